-- rfb-activity schema, version 1. Idempotent: safe to run on every start, from several replicas at once
-- (Migrations.apply takes a transaction-scoped advisory lock first). docs/architecture.md#persistence; activity-core/README.md "Schema".
--
-- All timestamps are timestamptz (UTC instants). Values come from the writing replica's clock, except updated_at,
-- and the view compares them with the database's now(): replicas' clocks must be synchronised (NTP) to well within
-- the active window and 3 × persistInterval.

-- One row per session ever seen: the newest activity any replica reported. Writers only ever raise it:
-- last_activity = GREATEST(stored, new), so replicas and retries writing out of order never move it backwards.
-- active_until (last_activity + the writer's activeWindow, raised the same way) keeps the session ACTIVE in the
-- view for the window of input whose viewer has closed, when the viewers left are on replicas that did not see it.
CREATE TABLE IF NOT EXISTS rfb_session_activity (
    session_id    text        PRIMARY KEY,
    last_activity timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),  -- database time of the last raise
    active_until  timestamptz
);
-- For tables created before the column existed.
ALTER TABLE rfb_session_activity ADD COLUMN IF NOT EXISTS active_until timestamptz;

-- One row per connected viewer, owned by the replica that holds the connection. The replica rewrites the row at
-- every change of the viewer and at least once per persistInterval (the heartbeat), and deletes it when the viewer
-- closes. A row whose heartbeat stopped (expires_at passed: the replica crashed or lost the database) no longer
-- counts; it is purged later. Only the primary key is indexed and fillfactor leaves room in each page, so the
-- heartbeat rewrites can be HOT updates (1.27x faster for a 10,000-session flush than with an index on expires_at:
-- benchmarks/README.md); the purge scans a table as small as the number of connected viewers.
CREATE TABLE IF NOT EXISTS rfb_viewer (
    session_id      text        NOT NULL,
    replica_id      text        NOT NULL,
    viewer_id       text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('CONNECTED_IDLE', 'ACTIVE')),  -- this viewer's own state
    inspectable     boolean     NOT NULL,
    blind_reason    text,
    connected_at    timestamptz NOT NULL,
    last_input_at   timestamptz,            -- this viewer's newest counted input; NULL before the first one
    last_input_kind text,
    active_until    timestamptz NOT NULL,   -- the session's newest activity known to this replica + activeWindow
    last_seen_at    timestamptz NOT NULL,   -- heartbeat
    expires_at      timestamptz NOT NULL,   -- last_seen_at + 3 × persistInterval
    PRIMARY KEY (session_id, replica_id, viewer_id)
) WITH (fillfactor = 50);


-- The cluster-wide status, derived from fresh viewer rows, never from one replica's opinion:
--   DISCONNECTED   no fresh viewer row;
--   ACTIVE         some fresh viewer row's active_until is still ahead (a replica saw activity within activeWindow),
--                  or the session's own (activity of a viewer that has closed since);
--   CONNECTED_IDLE fresh viewer rows, none of them active.
-- active_until travels with the rows, so a session turns idle on time even if its replica cannot write any more.
CREATE OR REPLACE VIEW rfb_session_status AS
SELECT s.session_id,
       CASE
           WHEN count(v.viewer_id) = 0 THEN 'DISCONNECTED'
           WHEN bool_or(v.active_until > now()) OR s.active_until > now() THEN 'ACTIVE'
           ELSE 'CONNECTED_IDLE'
       END                  AS state,
       s.last_activity,
       count(v.viewer_id)   AS viewers
FROM rfb_session_activity s
LEFT JOIN rfb_viewer v
       ON v.session_id = s.session_id
      AND v.expires_at > now()
GROUP BY s.session_id, s.last_activity, s.active_until;
