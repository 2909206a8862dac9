package org.rfbactivity.proxy.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One PostgreSQL {@code LISTEN} kept alive on an owned thread: a direct connection of its own, outside the pool (a
 * {@code LISTEN} lasts as long as its session, and would take a pool connection for good), polled for notifications,
 * checked now and then while quiet, and reconnected with back-off when the database goes away (an embedded server
 * being restarted, a terminated backend). What a notification means is the {@link Handler}'s: the proxy's event feed
 * and its control channel each run one.
 */
public final class ListenLoop implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ListenLoop.class);

  /** How long one wait for notifications lasts; also how long {@link #close()} may wait for the thread to see it. */
  static final int POLL_MILLIS = 250;
  /** A connection quiet this long is checked, so that a silently vanished database is noticed. */
  static final Duration CHECK_AFTER = Duration.ofSeconds(30);
  static final int CHECK_TIMEOUT_SECONDS = 5;
  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);
  /** How long {@link #close()} waits for the thread beyond one poll (a connect under way is bounded by its timeout). */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  /** An unquoted PostgreSQL identifier, which NOTIFY and LISTEN fold to lower case. */
  private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** What the loop does with its connection; called on the loop's thread only. */
  public interface Handler {

    /** After each (re)connect's {@code LISTEN}, before the first poll: catch up on what may have been missed. */
    default void listening(Connection c) throws SQLException, InterruptedException {}

    /** Before every poll: periodic work on the listening connection. */
    default void beforePoll(Connection c) throws SQLException {}

    /** One notification's payload. */
    void heard(Connection c, String payload) throws SQLException, InterruptedException;
  }

  private final String name;
  private final DataSource connections;
  private final String channel;
  private final Handler handler;
  private final ThreadFactory threadFactory;
  private final CountDownLatch closing = new CountDownLatch(1);
  private Thread thread;
  private volatile boolean connected;

  /**
   * @param name        what the log lines call it ({@code event feed}, {@code control channel})
   * @param connections opens direct (unpooled) connections to the shared database
   * @param channel     the channel, a lower-case identifier ({@code rfb_activity})
   */
  public ListenLoop(String name, DataSource connections, String channel, Handler handler,
      ThreadFactory threadFactory) {
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("channel must be a lower-case identifier: " + channel);
    }
    this.name = name;
    this.connections = connections;
    this.channel = channel;
    this.handler = handler;
    this.threadFactory = threadFactory;
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("start() called twice");
    }
    thread = threadFactory.newThread(this::run);
    thread.start();
  }

  /** True while a connection is listening (tests, readiness). */
  public boolean listening() {
    return connected;
  }

  /** Wait before reconnect attempt {@code n} (1, 2, …): 0.5 s, 1 s, 2 s … up to 30 s. */
  static Duration delayBefore(int n) {
    Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(n - 1, 20));
    return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
  }

  private void run() {
    int failures = 0;
    while (closing.getCount() > 0) {
      try (Connection c = connections.getConnection()) {
        listen(c, failures);
        failures = 0; // only a close ends listen() without an exception
      } catch (SQLException | RuntimeException e) {
        connected = false;
        if (closing.getCount() == 0) {
          break;
        }
        failures++;
        Duration delay = delayBefore(failures);
        // A database restart is reported by whoever restarts it; the loop warns only once the outage is long.
        Level level = failures == 1 ? Level.INFO : delay.equals(MAX_RETRY) ? Level.WARN : Level.DEBUG;
        log.atLevel(level).log("{}: {} (SQLSTATE {}); reconnecting in {} ms", name, e.getClass().getSimpleName(),
            e instanceof SQLException s ? s.getSQLState() : "none", delay.toMillis());
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
    connected = false;
  }

  private void listen(Connection c, int failures) throws SQLException, InterruptedException {
    c.setAutoCommit(true); // LISTEN takes effect at commit
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + channel);
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    connected = true;
    if (failures > 0) {
      log.info("{}: listening again on {} after {} failed attempts", name, channel, failures);
    }
    handler.listening(c);
    long lastHeard = System.nanoTime();
    while (closing.getCount() > 0) {
      handler.beforePoll(c);
      PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
      if (notifications != null && notifications.length > 0) {
        lastHeard = System.nanoTime();
        for (PGNotification n : notifications) {
          handler.heard(c, n.getParameter());
        }
      } else if (System.nanoTime() - lastHeard > CHECK_AFTER.toNanos()) {
        if (!c.isValid(CHECK_TIMEOUT_SECONDS)) {
          throw new SQLException("connection no longer valid", "08006");
        }
        lastHeard = System.nanoTime();
      }
    }
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
      log.warn("{} thread did not stop within {} ms", name, POLL_MILLIS + CLOSE_WAIT.toMillis());
    }
  }
}
