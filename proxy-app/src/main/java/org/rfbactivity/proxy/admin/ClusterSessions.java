package org.rfbactivity.proxy.admin;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import javax.sql.DataSource;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.SessionSnapshot;
import org.rfbactivity.proxy.relay.ViewerRegistry;
import org.rfbactivity.proxy.route.OwnedExecutors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/sessions} with a shared database: every replica answers the cluster's state, this replica's live view
 * merged with the others' fresh rows (docs/architecture.md#cluster-view). Queries run on one owned thread, never on
 * an event loop. When the database cannot be read, a session this replica knows is answered from its live view alone
 * ({@code "source":"replica"}); one it does not know fails.
 */
public final class ClusterSessions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterSessions.class);

  /** Requests waiting for the thread; more are refused (503) rather than queued without bound. */
  static final int QUEUE_LIMIT = 64;

  private final ActivityTracker tracker;
  private final ViewerRegistry live;
  private final DataSource dataSource;
  private final StoredSessions stored;
  private final String replicaId;
  private final ThreadPoolExecutor executor;

  /**
   * The thread starts on first use and ends when idle.
   *
   * @param live this replica's open connections, for its viewers' input permissions and dropped input
   */
  public ClusterSessions(ActivityTracker tracker, ViewerRegistry live, DataSource dataSource,
      ThreadFactory threadFactory) {
    this.tracker = tracker;
    this.live = live;
    this.dataSource = dataSource;
    this.replicaId = tracker.config().replicaId();
    this.stored = new StoredSessions(replicaId);
    this.executor = OwnedExecutors.bounded(1, QUEUE_LIMIT, threadFactory);
  }

  /** Completes with the session (empty when neither this replica nor the database knows it), or exceptionally. */
  public CompletableFuture<Optional<SessionJson>> session(String sessionId) {
    return submit(() -> {
      // The live view is taken before the query: a flush in between can only make the rows newer, never older.
      SessionSnapshot local = tracker.snapshot(sessionId).orElse(null);
      StoredSession found;
      try (Connection c = dataSource.getConnection()) {
        found = stored.read(c, List.of(sessionId), false).get(sessionId);
      } catch (SQLException e) {
        if (local == null) {
          throw new IllegalStateException("SQLSTATE " + e.getSQLState(), e);
        }
        log.debug("session lookup answered from this replica alone: SQLSTATE {}", e.getSQLState());
        return Optional.of(TrackerSessionSource.json(local, replicaId, live));
      }
      if (local == null && found == null) {
        return Optional.empty();
      }
      return Optional.of(ClusterView.merge(local, found, replicaId, live));
    });
  }

  /** Every session this replica knows and every session some replica holds a viewer of, ordered by id. */
  public CompletableFuture<List<SessionJson>> sessions() {
    return submit(() -> {
      Map<String, SessionSnapshot> locals = new TreeMap<>();
      for (SessionSnapshot s : tracker.snapshots()) {
        locals.put(s.sessionId(), s);
      }
      Map<String, StoredSession> found;
      try (Connection c = dataSource.getConnection()) {
        found = stored.read(c, locals.keySet(), true);
      } catch (SQLException e) {
        log.debug("session list answered from this replica alone: SQLSTATE {}", e.getSQLState());
        found = Map.of();
      }
      TreeMap<String, SessionJson> all = new TreeMap<>();
      for (SessionSnapshot s : locals.values()) {
        all.put(s.sessionId(), ClusterView.merge(s, found.get(s.sessionId()), replicaId, live));
      }
      for (StoredSession s : found.values()) {
        all.computeIfAbsent(s.sessionId(), id -> ClusterView.merge(null, s, replicaId, live));
      }
      return new ArrayList<>(all.values());
    });
  }

  private <T> CompletableFuture<T> submit(java.util.function.Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    OwnedExecutors.shutdown(executor);
  }
}
