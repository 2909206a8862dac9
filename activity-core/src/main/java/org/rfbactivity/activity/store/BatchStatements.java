package org.rfbactivity.activity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The SQL of a {@link StoreBatch}: one operation per row, in a fixed order. The project's own rows go as arrays,
 * {@value #MAX_ROWS_PER_STATEMENT} rows per statement through {@code unnest}, which took two thirds of the time of
 * the same rows as a JDBC batch of single-row upserts ({@code PersistenceShapesRun}, benchmarks README); the mirror,
 * the caller's SQL, goes as a JDBC batch. The order is by statement, then by key, so that replicas writing
 * the same sessions take row locks in the same order and do not deadlock each other.
 */
final class BatchStatements {

  /** Statements in execution order. */
  enum Kind {
    SESSION_RAISE("rfb_session_activity",
        "INSERT INTO rfb_session_activity AS s (session_id, last_activity, active_until, last_input_kind) "
            + "SELECT * FROM unnest(?::text[], ?::timestamptz[], ?::timestamptz[], ?::text[]) "
            + "ON CONFLICT (session_id) DO UPDATE "
            + "SET last_activity = GREATEST(s.last_activity, EXCLUDED.last_activity), "
            // The kind of the newest input: taken from a raise that is the newest and was an input, not an open.
            + "last_input_kind = CASE WHEN EXCLUDED.last_activity > s.last_activity "
            + "AND EXCLUDED.last_input_kind IS NOT NULL THEN EXCLUDED.last_input_kind ELSE s.last_input_kind END, "
            // GREATEST ignores NULLs: a row without active_until takes the other's.
            + "active_until = GREATEST(s.active_until, EXCLUDED.active_until), updated_at = now() "
            // Skip the row version when nothing rises: out-of-order writes are no-ops.
            + "WHERE EXCLUDED.last_activity > s.last_activity "
            + "OR EXCLUDED.active_until > COALESCE(s.active_until, '-infinity')"),
    MIRROR("mirror", null),
    VIEWER_UPSERT("rfb_viewer",
        "INSERT INTO rfb_viewer AS v (session_id, replica_id, viewer_id, state, inspectable, blind_reason, "
            + "connected_at, last_input_at, last_input_kind, active_until, last_seen_at, expires_at) "
            + "SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::text[], "
            + "?::timestamptz[], ?::timestamptz[], ?::text[], ?::timestamptz[], ?::timestamptz[], "
            + "?::timestamptz[]) "
            + "ON CONFLICT (session_id, replica_id, viewer_id) DO UPDATE SET state = EXCLUDED.state, "
            + "inspectable = EXCLUDED.inspectable, blind_reason = EXCLUDED.blind_reason, "
            + "connected_at = EXCLUDED.connected_at, last_input_at = EXCLUDED.last_input_at, "
            + "last_input_kind = EXCLUDED.last_input_kind, active_until = EXCLUDED.active_until, "
            + "last_seen_at = EXCLUDED.last_seen_at, expires_at = EXCLUDED.expires_at"),
    VIEWER_DELETE("rfb_viewer",
        "DELETE FROM rfb_viewer v USING unnest(?::text[], ?::text[], ?::text[]) AS d(session_id, replica_id, "
            + "viewer_id) WHERE v.session_id = d.session_id AND v.replica_id = d.replica_id "
            + "AND v.viewer_id = d.viewer_id");

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

  /** Rows per statement (arrays) or per {@code executeBatch} (mirror); bounds the size of one message. */
  static final int MAX_ROWS_PER_STATEMENT = 1_000;

  private final MirrorStatement mirror;

  BatchStatements(MirrorStatement mirror) {
    this.mirror = mirror;
  }

  boolean hasMirror() {
    return mirror != null;
  }

  /**
   * The batch as operations. At most one row per key reaches a statement (an upsert may not touch a row twice):
   * duplicate session rows keep the newest times, duplicate viewer rows the last given.
   */
  List<Op> ops(StoreBatch batch) {
    Map<String, SessionActivityRow> sessions = new LinkedHashMap<>();
    for (SessionActivityRow row : batch.sessions()) {
      sessions.merge(row.sessionId(), row, BatchStatements::newest);
    }
    Map<ViewerKey, ViewerRow> viewers = new LinkedHashMap<>();
    for (ViewerRow row : batch.viewers()) {
      viewers.put(row.key(), row);
    }
    List<SessionActivityRow> sessionRows = new ArrayList<>(sessions.values());
    sessionRows.sort(Comparator.comparing(SessionActivityRow::sessionId));
    List<ViewerRow> viewerRows = new ArrayList<>(viewers.values());
    viewerRows.sort(Comparator.comparing(ViewerRow::key, KEY_ORDER));
    List<ViewerKey> closed = new ArrayList<>(new LinkedHashSet<>(batch.closedViewers()));
    closed.sort(KEY_ORDER);

    List<Op> ops = new ArrayList<>(sessionRows.size() * (mirror == null ? 1 : 2) + viewerRows.size()
        + closed.size() + 1);
    for (SessionActivityRow row : sessionRows) {
      ops.add(new Op(Kind.SESSION_RAISE, row.sessionId(), row));
    }
    if (mirror != null) {
      for (SessionActivityRow row : sessionRows) {
        ops.add(new Op(Kind.MIRROR, row.sessionId(), row));
      }
    }
    for (ViewerRow row : viewerRows) {
      ops.add(new Op(Kind.VIEWER_UPSERT, row.sessionId(), row));
    }
    for (ViewerKey key : closed) {
      ops.add(new Op(Kind.VIEWER_DELETE, key.sessionId(), key));
    }
    // The purge of expired rows is not an op: Settlement runs it after the settling, which dates a disconnection by
    // them.
    return ops;
  }

  /** Two raises of one session as one: the later of each time. */
  private static SessionActivityRow newest(SessionActivityRow a, SessionActivityRow b) {
    Instant activeUntil = a.activeUntil() == null || (b.activeUntil() != null
        && b.activeUntil().isAfter(a.activeUntil())) ? b.activeUntil() : a.activeUntil();
    SessionActivityRow newer = b.lastActivity().isAfter(a.lastActivity()) ? b : a;
    return new SessionActivityRow(a.sessionId(), newer.lastActivity(), activeUntil, newer.lastInputKind());
  }

  private static final Comparator<ViewerKey> KEY_ORDER = Comparator.comparing(ViewerKey::sessionId)
      .thenComparing(ViewerKey::replicaId).thenComparing(ViewerKey::viewerId);

  /** Executes {@code ops} (a slice of {@link #ops}, so still grouped by kind) on {@code c}'s open transaction. */
  void execute(Connection c, List<Op> ops) throws SQLException {
    int start = 0;
    while (start < ops.size()) {
      Kind kind = ops.get(start).kind();
      int end = start;
      while (end < ops.size() && ops.get(end).kind() == kind && end - start < MAX_ROWS_PER_STATEMENT) {
        end++;
      }
      List<Op> group = ops.subList(start, end);
      switch (kind) {
        case MIRROR -> executeMirror(c, group);
        default -> {
          try (PreparedStatement ps = c.prepareStatement(kind.sql)) {
            bindArrays(c, ps, kind, group);
            ps.executeUpdate();
          }
        }
      }
      start = end;
    }
  }

  private void executeMirror(Connection c, List<Op> group) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(mirror.jdbcSql())) {
      List<MirrorStatement.Parameter> params = mirror.parameters();
      for (Op op : group) {
        SessionActivityRow row = (SessionActivityRow) op.row();
        for (int i = 0; i < params.size(); i++) {
          if (params.get(i) == MirrorStatement.Parameter.SESSION_ID) {
            ps.setString(i + 1, row.sessionId());
          } else {
            // A UTC timestamptz. Assigned to a timestamp WITHOUT time zone column (the mirror's usual target,
            // e.g. StreamSpace's) it is converted in the session time zone, which the store sets to UTC.
            ps.setObject(i + 1, OffsetDateTime.ofInstant(row.lastActivity(), ZoneOffset.UTC));
          }
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** SQL element types of the viewer upsert's columns, in bind order. */
  private static final String[] VIEWER_UPSERT_TYPES = {"text", "text", "text", "text", "boolean", "text",
      "timestamptz", "timestamptz", "text", "timestamptz", "timestamptz", "timestamptz"};

  /** One array per column, element i from row i. */
  private static void bindArrays(Connection c, PreparedStatement ps, Kind kind, List<Op> group)
      throws SQLException {
    int n = group.size();
    switch (kind) {
      case SESSION_RAISE -> {
        String[] ids = new String[n];
        OffsetDateTime[] activity = new OffsetDateTime[n];
        OffsetDateTime[] activeUntil = new OffsetDateTime[n];
        String[] kinds = new String[n];
        for (int i = 0; i < n; i++) {
          SessionActivityRow row = (SessionActivityRow) group.get(i).row();
          ids[i] = row.sessionId();
          activity[i] = utc(row.lastActivity());
          activeUntil[i] = utc(row.activeUntil());
          kinds[i] = row.lastInputKind() == null ? null : row.lastInputKind().name();
        }
        ps.setArray(1, c.createArrayOf("text", ids));
        ps.setArray(2, c.createArrayOf("timestamptz", activity));
        ps.setArray(3, c.createArrayOf("timestamptz", activeUntil));
        ps.setArray(4, c.createArrayOf("text", kinds));
      }
      case VIEWER_UPSERT -> {
        // Typed element arrays (Object[][] only holds them), so pgjdbc encodes each element by its Java type.
        Object[][] columns = {new String[n], new String[n], new String[n], new String[n], new Boolean[n],
            new String[n], new OffsetDateTime[n], new OffsetDateTime[n], new String[n], new OffsetDateTime[n],
            new OffsetDateTime[n], new OffsetDateTime[n]};
        for (int i = 0; i < n; i++) {
          ViewerRow row = (ViewerRow) group.get(i).row();
          columns[0][i] = row.sessionId();
          columns[1][i] = row.replicaId();
          columns[2][i] = row.viewerId();
          columns[3][i] = row.state().name();
          columns[4][i] = row.inspectable();
          columns[5][i] = row.blindReason();
          columns[6][i] = utc(row.connectedAt());
          columns[7][i] = utc(row.lastInputAt());
          columns[8][i] = row.lastInputKind() == null ? null : row.lastInputKind().name();
          columns[9][i] = utc(row.activeUntil());
          columns[10][i] = utc(row.lastSeenAt());
          columns[11][i] = utc(row.expiresAt());
        }
        for (int col = 0; col < VIEWER_UPSERT_TYPES.length; col++) {
          ps.setArray(col + 1, c.createArrayOf(VIEWER_UPSERT_TYPES[col], columns[col]));
        }
      }
      case VIEWER_DELETE -> {
        String[][] columns = new String[3][n];
        for (int i = 0; i < n; i++) {
          ViewerKey key = (ViewerKey) group.get(i).row();
          columns[0][i] = key.sessionId();
          columns[1][i] = key.replicaId();
          columns[2][i] = key.viewerId();
        }
        for (int col = 0; col < 3; col++) {
          ps.setArray(col + 1, c.createArrayOf("text", columns[col]));
        }
      }
      default -> throw new IllegalStateException("no arrays for " + kind);
    }
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
