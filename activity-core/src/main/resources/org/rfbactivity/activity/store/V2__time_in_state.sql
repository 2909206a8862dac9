-- rfb-activity schema, version 2: time in state (docs/architecture.md#time-in-state; activity-core/README.md
-- "Schema"). Migrations.apply runs it once, after version 1, under the migration lock, and records it in
-- rfb_schema_version. Written to be harmless if run again all the same.
--
-- rfb_session_activity gains the cluster's state as of the last flush that settled it: every flush settles the
-- sessions it wrote (and, once per persistInterval, every session not recorded DISCONNECTED), and NOTIFYs each change
-- in the same transaction (docs/architecture.md#events).
ALTER TABLE rfb_session_activity
    ADD COLUMN IF NOT EXISTS state                 text,
    ADD COLUMN IF NOT EXISTS state_since           timestamptz,  -- NULL: not known (rows written by version 1)
    ADD COLUMN IF NOT EXISTS last_input_kind       text,         -- kind of the newest counted input any replica saw
    ADD COLUMN IF NOT EXISTS last_connect_at       timestamptz,  -- newest viewer open, any replica
    ADD COLUMN IF NOT EXISTS last_disconnect_at    timestamptz,  -- newest viewer close, any replica
    ADD COLUMN IF NOT EXISTS last_cause_viewer_id  text,         -- cause of the change into state
    ADD COLUMN IF NOT EXISTS last_cause_input_kind text,
    ADD COLUMN IF NOT EXISTS last_cause_reason     text;

-- The live state of each session from fresh viewer rows, as rfb_session_status has always derived it, with what
-- the settling and the view need to date a change no flush has recorded yet.
CREATE OR REPLACE VIEW rfb_session_live AS
SELECT s.session_id,
       CASE
           WHEN v.fresh = 0 THEN 'DISCONNECTED'
           WHEN v.any_active OR s.active_until > now() THEN 'ACTIVE'
           ELSE 'CONNECTED_IDLE'
       END                                     AS state,
       v.fresh                                 AS viewers,
       GREATEST(v.active_until, s.active_until) AS active_until,  -- GREATEST ignores NULLs
       v.expired_at                            -- newest heartbeat expiry among rows no longer fresh
FROM rfb_session_activity s
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE r.expires_at > now())                   AS fresh,
           bool_or(r.active_until > now()) FILTER (WHERE r.expires_at > now()) AS any_active,
           max(r.active_until) FILTER (WHERE r.expires_at > now())       AS active_until,
           max(r.expires_at) FILTER (WHERE r.expires_at <= now())        AS expired_at
    FROM rfb_viewer r
    WHERE r.session_id = s.session_id
) v;

-- Rows of version 1: their state as the view shows it now, dated by the best time known to precede the change.
UPDATE rfb_session_activity s
SET state = l.state,
    state_since = CASE l.state
        WHEN 'CONNECTED_IDLE' THEN l.active_until
        WHEN 'ACTIVE' THEN s.last_activity
        ELSE GREATEST(s.last_activity, l.expired_at)
    END
FROM rfb_session_live l
WHERE l.session_id = s.session_id AND s.state IS NULL;

ALTER TABLE rfb_session_activity ALTER COLUMN state SET DEFAULT 'DISCONNECTED';
ALTER TABLE rfb_session_activity ALTER COLUMN state SET NOT NULL;
ALTER TABLE rfb_session_activity DROP CONSTRAINT IF EXISTS rfb_session_activity_state_check;
ALTER TABLE rfb_session_activity ADD CONSTRAINT rfb_session_activity_state_check
    CHECK (state IN ('DISCONNECTED', 'CONNECTED_IDLE', 'ACTIVE'));

-- The cluster-wide status, with time in state. The first four columns are version 1's. state is always the live
-- one; state_since is the recorded one while it agrees, else the moment the live state began as far as the rows
-- tell (an active window ran out at active_until; viewer rows stopped counting at their expiry).
CREATE OR REPLACE VIEW rfb_session_status AS
SELECT s.session_id,
       l.state,
       s.last_activity,
       l.viewers,
       CASE
           WHEN l.state = s.state THEN s.state_since
           WHEN l.state = 'CONNECTED_IDLE' THEN GREATEST(s.state_since, l.active_until)
           WHEN l.state = 'DISCONNECTED' THEN GREATEST(s.state_since, l.expired_at)
           ELSE GREATEST(s.state_since, s.last_activity)
       END                                                         AS state_since,
       CASE WHEN l.state = 'ACTIVE' THEN l.active_until END        AS active_until,
       s.last_input_kind,
       s.last_connect_at,
       s.last_disconnect_at,
       CASE WHEN l.state = s.state THEN s.last_cause_viewer_id END  AS last_cause_viewer_id,
       CASE WHEN l.state = s.state THEN s.last_cause_input_kind END AS last_cause_input_kind,
       CASE
           WHEN l.state = s.state THEN s.last_cause_reason
           WHEN l.state = 'CONNECTED_IDLE' THEN 'WINDOW_ELAPSED'
           WHEN l.state = 'DISCONNECTED' THEN 'VIEWER_EXPIRED'
           ELSE 'INPUT'
       END                                                         AS last_cause_reason
FROM rfb_session_activity s
JOIN rfb_session_live l ON l.session_id = s.session_id;
