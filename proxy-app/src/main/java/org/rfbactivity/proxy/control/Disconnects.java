package org.rfbactivity.proxy.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import javax.sql.DataSource;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.proxy.relay.ViewerRegistry;
import org.rfbactivity.proxy.route.OwnedExecutors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's disconnects (docs/architecture.md#control-channel): this replica closes what it holds of the target
 * first; with a shared database it then sends a control command to the replicas whose fresh viewer rows show that they
 * hold some of it, and waits (at most {@link #ACK_WAIT}) for their acknowledgements. Runs on owned threads, never on
 * an event loop; the answer says what was closed where.
 */
public final class Disconnects implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Disconnects.class);

  /** How long a disconnect waits for the other replicas to acknowledge: an answer an operator waits for. */
  static final Duration ACK_WAIT = Duration.ofSeconds(2);
  /** Between two reads of the acknowledgements when none is heard (the listener may be reconnecting). */
  static final Duration ACK_POLL = Duration.ofMillis(250);
  /** Disconnects in progress at once; each may wait {@link #ACK_WAIT}. */
  static final int THREADS = 2;
  /** Disconnects waiting for a thread; more are refused (503) rather than queued without bound. */
  static final int QUEUE_LIMIT = 16;

  private final String self;
  private final LocalCloser closer;
  private final DataSource dataSource;
  private final ControlStore store;
  private final AckSignal acks = new AckSignal();
  private final ControlListener listener;
  private final ThreadPoolExecutor executor;

  private Disconnects(String self, ViewerRegistry registry, DataSource dataSource, ControlStore store,
      ControlListener.Factory listener, ThreadFactory threadFactory) {
    this.self = self;
    this.closer = new LocalCloser(registry);
    this.dataSource = dataSource;
    this.store = store;
    this.listener = listener == null ? null : listener.create(closer, acks);
    this.executor = OwnedExecutors.bounded(THREADS, QUEUE_LIMIT, threadFactory);
  }

  /** Without a database: this replica is the cluster. */
  public static Disconnects local(String replicaId, ViewerRegistry registry, ThreadFactory threadFactory) {
    return new Disconnects(replicaId, registry, null, null, null, threadFactory);
  }

  /**
   * With a database shared by replicas.
   *
   * @param pooled the pool, for commands and acknowledgements read by a waiting disconnect
   * @param direct opens the listener's own connection, outside the pool
   * @param channel the control channel ({@code --control-channel})
   */
  public static Disconnects cluster(String replicaId, ViewerRegistry registry, ActivityTracker tracker,
      DataSource pooled, DataSource direct, String channel, ThreadFactory listenerThreads,
      ThreadFactory threadFactory) {
    ControlStore store = new ControlStore(channel);
    ViewerOpens opens = new ViewerOpens(registry, tracker);
    return new Disconnects(replicaId, registry, pooled, store, (closer, acks) -> new ControlListener(direct, channel,
        replicaId, store, closer, opens, acks, listenerThreads), threadFactory);
  }

  /** Starts listening for the other replicas' commands (with a database). */
  public void start() {
    if (listener != null) {
      listener.start();
    }
  }

  /**
   * Closes the target everywhere.
   *
   * @param reason the operator's reason ({@link DisconnectReason#check} passed), or null
   * @return completes with the answer, empty when nobody holds the target; fails with
   *     {@link DisconnectUnavailableException} when the database was needed and could not be used, or with
   *     {@link RejectedExecutionException} when too many disconnects are under way
   */
  public CompletableFuture<Optional<DisconnectAnswer>> disconnect(DisconnectTarget target, String reason) {
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          return run(target, reason);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CompletionException(e);
        }
      }, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Optional<DisconnectAnswer> run(DisconnectTarget target, String reason) throws InterruptedException {
    List<String> local = closer.close(target, viewer -> true, DisconnectReason.logDetail(self, 0, reason));
    if (!local.isEmpty()) {
      log.info("admin disconnect of {}: closed {} viewers here", target, local.size());
    }
    if (dataSource == null || (target.viewerId() != null && !local.isEmpty())) {
      // Without a database there is nobody else to ask; a viewer id is one connection, found here.
      return local.isEmpty() ? Optional.empty() : Optional.of(answer(target, null, local, Set.of(), List.of()));
    }
    Set<String> holders;
    long commandId;
    try (Connection c = dataSource.getConnection()) {
      holders = store.holders(c, target, self);
      if (holders.isEmpty()) {
        return local.isEmpty() ? Optional.empty() : Optional.of(answer(target, null, local, Set.of(), List.of()));
      }
      commandId = store.issue(c, target, self, reason);
    } catch (SQLException e) {
      throw unavailable(target, null, local, e);
    }
    log.info("admin disconnect of {}: control command {} to {}", target, commandId, holders);
    List<ControlAck> acked = awaitAcks(target, commandId, local, holders);
    return Optional.of(answer(target, commandId, local, holders, acked));
  }

  /** Reads the acknowledgements until every holder's is in or {@link #ACK_WAIT} passed. */
  private List<ControlAck> awaitAcks(DisconnectTarget target, long commandId, List<String> local, Set<String> holders)
      throws InterruptedException {
    long deadline = System.nanoTime() + ACK_WAIT.toNanos();
    while (true) {
      long seen = acks.heard();
      List<ControlAck> acked;
      try (Connection c = dataSource.getConnection()) {
        acked = store.acks(c, commandId);
      } catch (SQLException e) {
        throw unavailable(target, commandId, local, e);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || acked.stream().map(ControlAck::replica).toList().containsAll(holders)) {
        return acked;
      }
      acks.awaitAfter(seen, Math.min(left, ACK_POLL.toNanos()));
    }
  }

  private DisconnectUnavailableException unavailable(DisconnectTarget target, Long commandId, List<String> local,
      SQLException e) {
    log.warn("admin disconnect of {}: database unavailable (SQLSTATE {}); closed {} viewers here", target,
        e.getSQLState(), local.size());
    return new DisconnectUnavailableException(e.getSQLState(), answer(target, commandId, local, Set.of(), List.of()),
        e);
  }

  private DisconnectAnswer answer(DisconnectTarget target, Long commandId, List<String> local, Set<String> holders,
      List<ControlAck> acked) {
    List<DisconnectAnswer.Closed> closed = new ArrayList<>();
    Map<String, DisconnectAnswer.Replica> replicas = new TreeMap<>();
    if (!local.isEmpty()) {
      replicas.put(self, new DisconnectAnswer.Replica(self, true, local.size()));
      local.forEach(id -> closed.add(new DisconnectAnswer.Closed(id, self)));
    }
    holders.forEach(r -> replicas.put(r, new DisconnectAnswer.Replica(r, false, null)));
    for (ControlAck ack : acked) {
      if (holders.contains(ack.replica()) || !ack.closed().isEmpty()) {
        replicas.put(ack.replica(), new DisconnectAnswer.Replica(ack.replica(), true, ack.closed().size()));
        ack.closed().forEach(id -> closed.add(new DisconnectAnswer.Closed(id, ack.replica())));
      }
    }
    closed.sort(Comparator.comparing(DisconnectAnswer.Closed::replica).thenComparing(DisconnectAnswer.Closed::viewerId));
    return new DisconnectAnswer(target.sessionId(), target.viewerId(), commandId, closed,
        new ArrayList<>(replicas.values()));
  }

  /** Stops the listener and the disconnects under way. */
  @Override
  public void close() {
    if (listener != null) {
      listener.close();
    }
    OwnedExecutors.shutdown(executor);
  }
}
