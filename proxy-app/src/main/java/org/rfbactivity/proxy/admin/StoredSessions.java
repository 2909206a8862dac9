package org.rfbactivity.proxy.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import javax.sql.DataSource;
import org.rfbactivity.proxy.route.OwnedExecutors;

/**
 * The cluster-wide status of a session this replica no longer holds (closed here, or held by another replica),
 * read from activity-core's view {@code rfb_session_status} and fresh {@code rfb_viewer} rows. Queries run on one
 * owned thread, never on an event loop.
 */
public final class StoredSessions implements AutoCloseable {

  /** Lookups waiting for the thread; more are refused (503) rather than queued without bound. */
  static final int QUEUE_LIMIT = 64;
  static final int QUERY_TIMEOUT_SECONDS = 5;

  private static final String STATUS = "SELECT state, last_activity, state_since, last_connect_at, "
      + "last_disconnect_at, active_until, last_cause_viewer_id, last_cause_input_kind, last_cause_reason, "
      + "last_input_kind FROM rfb_session_status WHERE session_id = ?";
  private static final String VIEWERS = "SELECT viewer_id, state, inspectable, blind_reason, connected_at, "
      + "last_input_at, last_input_kind FROM rfb_viewer WHERE session_id = ? AND expires_at > now() ORDER BY viewer_id";

  private final DataSource dataSource;
  private final ThreadPoolExecutor executor;

  /** The thread starts on first use and ends when idle. */
  public StoredSessions(DataSource dataSource, ThreadFactory threadFactory) {
    this.dataSource = dataSource;
    this.executor = OwnedExecutors.bounded(1, QUEUE_LIMIT, threadFactory);
  }

  /** Completes with the stored session (empty when the database never saw it), or exceptionally. */
  public CompletableFuture<Optional<SessionJson>> lookup(String sessionId) {
    try {
      return CompletableFuture.supplyAsync(() -> query(sessionId), executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Optional<SessionJson> query(String sessionId) {
    try (Connection c = dataSource.getConnection()) {
      String state;
      Timestamp lastActivity;
      String[] times = new String[4];
      SessionJson.CauseJson cause;
      String storedKind;
      try (PreparedStatement ps = c.prepareStatement(STATUS)) {
        ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          state = rs.getString(1);
          lastActivity = rs.getTimestamp(2);
          for (int i = 0; i < times.length; i++) {
            Timestamp t = rs.getTimestamp(3 + i);
            times[i] = t == null ? null : t.toInstant().toString();
          }
          cause = rs.getString(9) == null ? null
              : new SessionJson.CauseJson(rs.getString(7), rs.getString(8), rs.getString(9));
          storedKind = rs.getString(10);
        }
      }
      List<SessionJson.ViewerJson> viewers = new ArrayList<>();
      String lastInputKind = null;
      Timestamp newestInput = null;
      try (PreparedStatement ps = c.prepareStatement(VIEWERS)) {
        ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Timestamp connected = rs.getTimestamp(5);
            viewers.add(new SessionJson.ViewerJson(rs.getString(1), null, rs.getString(2), rs.getBoolean(3),
                rs.getString(4), null, null, connected == null ? null : connected.toInstant().toString(), null, null));
            Timestamp input = rs.getTimestamp(6);
            if (input != null && (newestInput == null || input.after(newestInput))) {
              newestInput = input;
              lastInputKind = rs.getString(7);
            }
          }
        }
      }
      String last = lastActivity == null ? null : lastActivity.toInstant().toString();
      return Optional.of(new SessionJson(sessionId, state, last, lastInputKind != null ? lastInputKind : storedKind,
          viewers, Map.of(), SessionJson.SOURCE_DATABASE, times[0], times[1], times[2], times[3], cause));
    } catch (SQLException e) {
      throw new IllegalStateException("SQLSTATE " + e.getSQLState(), e);
    }
  }

  @Override
  public void close() {
    OwnedExecutors.shutdown(executor);
  }
}
