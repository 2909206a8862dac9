-- rfb-activity schema, version 3: the control channel (docs/architecture.md#control-channel; activity-core/README.md
-- "Schema"). Migrations.apply runs it once, after version 2, under the migration lock, and records it in
-- rfb_schema_version. Written to be harmless if run again all the same.
--
-- A replica's admin API asks the other replicas to close viewers it does not hold: it inserts a command and NOTIFYs
-- its id on the control channel in the same transaction; every other replica closes what it holds of the target and
-- inserts its ack. A replica that was not listening reads the recent commands it has not acknowledged when it
-- reconnects. Rows older than an hour are purged by the replicas.
CREATE TABLE IF NOT EXISTS rfb_control_command (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issued_at  timestamptz NOT NULL DEFAULT now(),  -- database time: replicas compare it with their viewers' opens
    issued_by  text        NOT NULL,                -- replica_id of the replica whose admin API was asked
    session_id text,                                -- the target: every viewer of this session,
    viewer_id  text,                                -- or this one viewer
    reason     text,                                -- the operator's reason, for log lines; at most 200 characters
    CONSTRAINT rfb_control_command_target_check CHECK ((session_id IS NULL) <> (viewer_id IS NULL)),
    CONSTRAINT rfb_control_command_reason_check CHECK (char_length(reason) <= 200)
);
-- Catching up and purging read by time.
CREATE INDEX IF NOT EXISTS rfb_control_command_issued_at ON rfb_control_command (issued_at);

-- One row per replica that executed a command: what it closed (possibly nothing).
CREATE TABLE IF NOT EXISTS rfb_control_ack (
    command_id bigint      NOT NULL REFERENCES rfb_control_command (id) ON DELETE CASCADE,
    replica_id text        NOT NULL,
    closed     integer     NOT NULL,                -- viewers this replica closed for the command
    viewer_ids text[]      NOT NULL,                -- their ids (bounded by the replica's --max-connections)
    acked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (command_id, replica_id)
);
