package org.rfbactivity.proxy.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.rfbactivity.proxy.events.NotifyFeeder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Executes the other replicas' control commands on this one (docs/architecture.md#control-channel): one owned thread
 * ({@code rfba-control}) {@code LISTEN}s on the control channel with a direct connection of its own, reconnecting with
 * {@link NotifyFeeder}'s back-off. For each command another replica issued it closes what this replica holds of the
 * target and stores its acknowledgement (also when it held nothing, so the issuer need not wait it out); for each
 * acknowledgement it wakes this replica's waiting disconnects. At every (re)connect it first reads the recent commands
 * it has not acknowledged (it may have missed their {@code NOTIFY}) and executes them on the viewers that were already
 * open when they were issued; now and then it purges old commands.
 */
public final class ControlListener implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

  /** How long one wait for notifications lasts; also how long {@link #close()} may wait for the thread to see it. */
  static final int POLL_MILLIS = 250;
  /** A connection quiet this long is checked, so that a silently vanished database is noticed. */
  static final Duration CHECK_AFTER = Duration.ofSeconds(30);
  static final int CHECK_TIMEOUT_SECONDS = 5;
  /** How far back a reconnect looks for missed commands: an operator's close still applies after a short outage. */
  static final Duration CATCH_UP_WINDOW = Duration.ofMinutes(10);
  /** Commands (and their acknowledgements) are kept this long for an operator to look at, then purged. */
  static final Duration RETENTION = Duration.ofHours(1);
  static final Duration PURGE_EVERY = Duration.ofMinutes(1);
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final DataSource connections;
  private final String channel;
  private final String self;
  private final ControlStore store;
  private final LocalCloser closer;
  private final ViewerOpens opens;
  private final AckSignal acks;
  private final ThreadFactory threadFactory;
  private final CountDownLatch closing = new CountDownLatch(1);
  private Thread thread;

  /** Made by {@link Disconnects}, which owns the closer and the signal it shares with the listener. */
  interface Factory {
    ControlListener create(LocalCloser closer, AckSignal acks);
  }

  ControlListener(DataSource connections, String channel, String self, ControlStore store, LocalCloser closer,
      ViewerOpens opens, AckSignal acks, ThreadFactory threadFactory) {
    this.connections = connections;
    this.channel = channel;
    this.self = self;
    this.store = store;
    this.closer = closer;
    this.opens = opens;
    this.acks = acks;
    this.threadFactory = threadFactory;
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("start() called twice");
    }
    thread = threadFactory.newThread(this::run);
    thread.start();
  }

  private void run() {
    int failures = 0;
    while (closing.getCount() > 0) {
      try (Connection c = connections.getConnection()) {
        listen(c, failures);
        failures = 0;
      } catch (SQLException | RuntimeException e) {
        if (closing.getCount() == 0) {
          break;
        }
        failures++;
        Duration delay = NotifyFeeder.delayBefore(failures);
        Level level = failures == 1 ? Level.INFO : delay.equals(NotifyFeeder.MAX_RETRY) ? Level.WARN
            : Level.DEBUG;
        log.atLevel(level).log("control channel: {} (SQLSTATE {}); reconnecting in {} ms",
            e.getClass().getSimpleName(), e instanceof SQLException s ? s.getSQLState() : "none", delay.toMillis());
        try {
          if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException ie) {
          break;
        }
      } catch (InterruptedException e) {
        break;
      }
    }
  }

  private void listen(Connection c, int failures) throws SQLException, InterruptedException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + channel);
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    if (failures > 0) {
      log.info("control channel: listening again on {} after {} failed attempts", channel, failures);
    }
    // Listening first, then catching up: a command stored in between is both heard and read,
    // and executed once (the ack written first makes the other one skip it).
    for (ControlCommand missed : store.unacknowledged(c, self, CATCH_UP_WINDOW)) {
      execute(c, missed, viewer -> opens.openedBy(viewer, missed.issuedAt()));
    }
    long lastHeard = System.nanoTime();
    long nextPurge = lastHeard;
    while (closing.getCount() > 0) {
      if (System.nanoTime() - nextPurge >= 0) {
        int n = store.purge(c, RETENTION);
        if (n > 0) {
          log.debug("control channel: purged {} commands older than {}", n, RETENTION);
        }
        nextPurge = System.nanoTime() + PURGE_EVERY.toNanos();
      }
      PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
      if (notifications != null && notifications.length > 0) {
        lastHeard = System.nanoTime();
        for (PGNotification n : notifications) {
          heard(c, n.getParameter());
        }
      } else if (System.nanoTime() - lastHeard > CHECK_AFTER.toNanos()) {
        if (!c.isValid(CHECK_TIMEOUT_SECONDS)) {
          throw new SQLException("connection no longer valid", "08006");
        }
        lastHeard = System.nanoTime();
      }
    }
  }

  private void heard(Connection c, String payload) throws SQLException, InterruptedException {
    long id = parseId(payload);
    if (id <= 0) {
      log.warn("control channel: dropped a notification of {} characters that names no command", payload.length());
      return;
    }
    if (payload.charAt(0) == ControlStore.ACK) {
      acks.signal();
      return;
    }
    // One this replica issued, or executed already (caught up before its notification came), is not executed again.
    Optional<ControlCommand> command = store.unacknowledgedCommand(c, id, self);
    if (command.isPresent() && !command.get().issuedBy().equals(self)) {
      execute(c, command.get(), viewer -> true);
    }
  }

  /** The command id of a payload ({@code c12}, {@code a12}; at most 18 digits, so no overflow), or 0 otherwise. */
  static long parseId(String payload) {
    if (payload == null || payload.length() < 2 || payload.length() > 19
        || (payload.charAt(0) != ControlStore.COMMAND && payload.charAt(0) != ControlStore.ACK)) {
      return 0;
    }
    long id = 0;
    for (int i = 1; i < payload.length(); i++) {
      char d = payload.charAt(i);
      if (d < '0' || d > '9') {
        return 0;
      }
      id = id * 10 + (d - '0');
    }
    return id;
  }

  private void execute(Connection c, ControlCommand command, Predicate<String> eligible)
      throws SQLException, InterruptedException {
    List<String> closed = closer.close(command.target(), eligible,
        DisconnectReason.logDetail(command.issuedBy(), command.id(), command.reason()));
    try {
      store.acknowledge(c, command.id(), self, closed);
    } catch (SQLException e) {
      if (!"23503".equals(e.getSQLState())) {
        throw e;
      }
      // foreign_key_violation: the command was purged meanwhile; nobody waits for it any more.
    }
    // Every replica acknowledges every command; only the ones that closed something are worth a line.
    log.atLevel(closed.isEmpty() ? Level.DEBUG : Level.INFO).log("control command {} from {}: {} closed {} viewers",
        command.id(), command.issuedBy(), command.target(), closed.size());
  }

  /** Stops the thread: within one poll, or a connect's timeout when one is under way. Idempotent. */
  @Override
  public void close() {
    closing.countDown();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null) {
      return;
    }
    try {
      t.join(POLL_MILLIS + CLOSE_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      log.warn("control channel thread did not stop within {} ms", POLL_MILLIS + CLOSE_WAIT.toMillis());
    }
  }
}
