package org.rfbactivity.activity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The SQL of a {@link StoreBatch}: one operation per row, in a fixed order, executed as JDBC batches. The order is
 * by statement, then by key, so that replicas writing the same sessions take row locks in the same order and do
 * not deadlock each other.
 */
final class BatchStatements {

  /** Statements in execution order. */
  enum Kind {
    SESSION_RAISE("rfb_session_activity",
        "INSERT INTO rfb_session_activity AS s (session_id, last_activity) VALUES (?, ?) "
            + "ON CONFLICT (session_id) DO UPDATE "
            + "SET last_activity = GREATEST(s.last_activity, EXCLUDED.last_activity), updated_at = now() "
            // Skip the row version when nothing rises: out-of-order writes are no-ops.
            + "WHERE EXCLUDED.last_activity > s.last_activity"),
    MIRROR("mirror", null),
    VIEWER_UPSERT("rfb_viewer",
        "INSERT INTO rfb_viewer AS v (session_id, replica_id, viewer_id, state, inspectable, blind_reason, "
            + "connected_at, last_input_at, last_input_kind, active_until, last_seen_at, expires_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (session_id, replica_id, viewer_id) DO UPDATE SET state = EXCLUDED.state, "
            + "inspectable = EXCLUDED.inspectable, blind_reason = EXCLUDED.blind_reason, "
            + "connected_at = EXCLUDED.connected_at, last_input_at = EXCLUDED.last_input_at, "
            + "last_input_kind = EXCLUDED.last_input_kind, active_until = EXCLUDED.active_until, "
            + "last_seen_at = EXCLUDED.last_seen_at, expires_at = EXCLUDED.expires_at"),
    VIEWER_DELETE("rfb_viewer",
        "DELETE FROM rfb_viewer WHERE session_id = ? AND replica_id = ? AND viewer_id = ?"),
    PURGE_EXPIRED("rfb_viewer",
        "DELETE FROM rfb_viewer WHERE expires_at < now()");

    final String table;
    final String sql;

    Kind(String table, String sql) {
      this.table = table;
      this.sql = sql;
    }
  }

  /** One row's worth of work. */
  record Op(Kind kind, String sessionId, Object row) {
  }

  /** Rows per {@code executeBatch} call; bounds driver memory for a 10k-session tick. */
  static final int MAX_ROWS_PER_EXECUTE = 1_000;

  private final MirrorStatement mirror;

  BatchStatements(MirrorStatement mirror) {
    this.mirror = mirror;
  }

  boolean hasMirror() {
    return mirror != null;
  }

  List<Op> ops(StoreBatch batch) {
    List<Op> ops = new ArrayList<>(batch.sessions().size() * (mirror == null ? 1 : 2)
        + batch.viewers().size() + batch.closedViewers().size() + 1);
    List<SessionActivityRow> sessions = new ArrayList<>(batch.sessions());
    sessions.sort(Comparator.comparing(SessionActivityRow::sessionId));
    for (SessionActivityRow row : sessions) {
      ops.add(new Op(Kind.SESSION_RAISE, row.sessionId(), row));
    }
    if (mirror != null) {
      for (SessionActivityRow row : sessions) {
        ops.add(new Op(Kind.MIRROR, row.sessionId(), row));
      }
    }
    List<ViewerRow> viewers = new ArrayList<>(batch.viewers());
    viewers.sort(Comparator.comparing(ViewerRow::sessionId).thenComparing(ViewerRow::replicaId)
        .thenComparing(ViewerRow::viewerId));
    for (ViewerRow row : viewers) {
      ops.add(new Op(Kind.VIEWER_UPSERT, row.sessionId(), row));
    }
    List<ViewerKey> closed = new ArrayList<>(batch.closedViewers());
    closed.sort(Comparator.comparing(ViewerKey::sessionId).thenComparing(ViewerKey::replicaId)
        .thenComparing(ViewerKey::viewerId));
    for (ViewerKey key : closed) {
      ops.add(new Op(Kind.VIEWER_DELETE, key.sessionId(), key));
    }
    if (batch.purgeExpiredViewers()) {
      ops.add(new Op(Kind.PURGE_EXPIRED, "", null));
    }
    return ops;
  }

  /** Executes {@code ops} (a slice of {@link #ops}, so still grouped by kind) on {@code c}'s open transaction. */
  void execute(Connection c, List<Op> ops) throws SQLException {
    int start = 0;
    while (start < ops.size()) {
      Kind kind = ops.get(start).kind();
      int end = start;
      while (end < ops.size() && ops.get(end).kind() == kind) {
        end++;
      }
      if (kind == Kind.PURGE_EXPIRED) {
        try (Statement s = c.createStatement()) {
          s.executeUpdate(kind.sql);
        }
      } else {
        try (PreparedStatement ps = c.prepareStatement(kind == Kind.MIRROR ? mirror.jdbcSql() : kind.sql)) {
          int pending = 0;
          for (int i = start; i < end; i++) {
            bind(ps, ops.get(i));
            ps.addBatch();
            if (++pending == MAX_ROWS_PER_EXECUTE) {
              ps.executeBatch();
              pending = 0;
            }
          }
          if (pending > 0) {
            ps.executeBatch();
          }
        }
      }
      start = end;
    }
  }

  private void bind(PreparedStatement ps, Op op) throws SQLException {
    switch (op.kind()) {
      case SESSION_RAISE: {
        SessionActivityRow row = (SessionActivityRow) op.row();
        ps.setString(1, row.sessionId());
        setInstant(ps, 2, row.lastActivity());
        break;
      }
      case MIRROR: {
        SessionActivityRow row = (SessionActivityRow) op.row();
        List<MirrorStatement.Parameter> params = mirror.parameters();
        for (int i = 0; i < params.size(); i++) {
          if (params.get(i) == MirrorStatement.Parameter.SESSION_ID) {
            ps.setString(i + 1, row.sessionId());
          } else {
            setInstant(ps, i + 1, row.lastActivity());
          }
        }
        break;
      }
      case VIEWER_UPSERT: {
        ViewerRow row = (ViewerRow) op.row();
        ps.setString(1, row.sessionId());
        ps.setString(2, row.replicaId());
        ps.setString(3, row.viewerId());
        ps.setString(4, row.state().name());
        ps.setBoolean(5, row.inspectable());
        ps.setString(6, row.blindReason());
        setInstant(ps, 7, row.connectedAt());
        setInstant(ps, 8, row.lastInputAt());
        ps.setString(9, row.lastInputKind() == null ? null : row.lastInputKind().name());
        setInstant(ps, 10, row.activeUntil());
        setInstant(ps, 11, row.lastSeenAt());
        setInstant(ps, 12, row.expiresAt());
        break;
      }
      case VIEWER_DELETE: {
        ViewerKey key = (ViewerKey) op.row();
        ps.setString(1, key.sessionId());
        ps.setString(2, key.replicaId());
        ps.setString(3, key.viewerId());
        break;
      }
      default:
        throw new IllegalStateException("no parameters for " + op.kind());
    }
  }

  /**
   * Binds a UTC {@code timestamptz}. Assigned to a {@code timestamp without time zone} column (the mirror's
   * target, e.g. StreamSpace's) it is converted in the session time zone, which the store sets to UTC per
   * transaction, so such columns receive UTC wall time.
   */
  private static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
    if (instant == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
  }
}
