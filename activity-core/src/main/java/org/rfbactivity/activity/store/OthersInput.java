package org.rfbactivity.activity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The newest counted input of the viewers other replicas hold, per session: what this replica's idle policy must
 * count besides its own viewers' (docs/architecture.md#policies), for the sessions a batch asks for
 * ({@link StoreBatch#othersInputFor()}). Read from fresh {@code rfb_viewer} rows, whose {@code last_input_at} is counted
 * input only (an open is not input), in the flush's transaction.
 */
final class OthersInput {

  private static final String QUERY = "SELECT session_id, max(last_input_at) FROM rfb_viewer "
      + "WHERE session_id = ANY (?) AND replica_id <> ? AND expires_at > now() AND last_input_at IS NOT NULL "
      + "GROUP BY session_id";

  private OthersInput() {}

  static Map<String, Instant> read(Connection c, Set<String> sessions, String writer) throws SQLException {
    if (sessions.isEmpty()) {
      return Map.of();
    }
    Map<String, Instant> input = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(QUERY)) {
      ps.setArray(1, c.createArrayOf("text", sessions.toArray()));
      ps.setString(2, writer);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          input.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant());
        }
      }
    }
    return input;
  }
}
