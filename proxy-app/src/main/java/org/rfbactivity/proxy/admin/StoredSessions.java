package org.rfbactivity.proxy.admin;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads sessions from activity-core's view {@code rfb_session_status} and the other replicas' fresh {@code rfb_viewer}
 * rows, for the cluster-wide answer of {@code /api/sessions} (docs/architecture.md#cluster-view). Blocking JDBC: it
 * runs on {@link ClusterSessions}' own thread, never on an event loop.
 */
final class StoredSessions {

  static final int QUERY_TIMEOUT_SECONDS = 5;

  private static final String STATUS = "SELECT s.session_id, s.state, s.last_activity, s.last_input_kind, "
      + "s.state_since, s.last_connect_at, s.last_disconnect_at, s.active_until, s.last_cause_viewer_id, "
      + "s.last_cause_input_kind, s.last_cause_reason, COALESCE(a.active_until > now(), false) "
      + "FROM rfb_session_status s JOIN rfb_session_activity a USING (session_id) WHERE s.session_id = ANY (?)";
  /** Also every session some replica holds a fresh viewer of: what the list shows besides this replica's own. */
  private static final String STATUS_OR_HELD = STATUS
      + " OR s.session_id IN (SELECT session_id FROM rfb_viewer WHERE expires_at > now())";
  private static final String ELSEWHERE = "SELECT session_id, replica_id, viewer_id, state, inspectable, "
      + "blind_reason, connected_at, active_until, active_until > now() FROM rfb_viewer "
      + "WHERE session_id = ANY (?) AND replica_id <> ? AND expires_at > now() ORDER BY replica_id, viewer_id";

  private final String replicaId;

  /** @param replicaId this replica's id: its own rows are left out, its live view is fresher */
  StoredSessions(String replicaId) {
    this.replicaId = replicaId;
  }

  /**
   * The stored sessions among {@code ids} (and, with {@code andHeldAnywhere}, every session with a fresh viewer row),
   * keyed by session id in no particular order; a session the database never saw is absent.
   */
  Map<String, StoredSession> read(Connection c, Collection<String> ids, boolean andHeldAnywhere) throws SQLException {
    Map<String, Row> rows = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(andHeldAnywhere ? STATUS_OR_HELD : STATUS)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setArray(1, textArray(c, ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String cause = rs.getString(11);
          rows.put(rs.getString(1), new Row(rs.getString(2), instant(rs, 3), rs.getString(4), instant(rs, 5),
              instant(rs, 6), instant(rs, 7), instant(rs, 8),
              cause == null ? null : new SessionJson.CauseJson(rs.getString(9), rs.getString(10), cause),
              rs.getBoolean(12)));
        }
      }
    }
    Map<String, List<StoredSession.StoredViewer>> elsewhere = new LinkedHashMap<>();
    if (!rows.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(ELSEWHERE)) {
        ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        ps.setArray(1, textArray(c, rows.keySet()));
        ps.setString(2, replicaId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            elsewhere.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new StoredSession.StoredViewer(
                rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getString(6),
                instant(rs, 7), instant(rs, 8), rs.getBoolean(9)));
          }
        }
      }
    }
    Map<String, StoredSession> sessions = new LinkedHashMap<>();
    rows.forEach((id, r) -> sessions.put(id, new StoredSession(id, r.state, r.lastActivity, r.lastInputKind,
        r.stateSince, r.lastConnectAt, r.lastDisconnectAt, r.activeUntil, r.cause, r.sessionActive,
        elsewhere.getOrDefault(id, List.of()))));
    return sessions;
  }

  private static Array textArray(Connection c, Collection<String> ids) throws SQLException {
    return c.createArrayOf("text", ids.toArray());
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  private record Row(String state, Instant lastActivity, String lastInputKind, Instant stateSince,
      Instant lastConnectAt, Instant lastDisconnectAt, Instant activeUntil, SessionJson.CauseJson cause,
      boolean sessionActive) {}
}
