package org.rfbactivity.proxy.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Feeds the {@link EventHub} with the whole cluster's events: every replica on one PostgreSQL {@code NOTIFY}s its
 * events on one channel as they commit, and this {@code LISTEN}s on it, so each replica's stream shows every
 * replica's events (its own included: with a database the tracker does not feed the hub directly).
 *
 * <p>One owned thread ({@code rfba-event-feed}) holds one connection of its own, outside the pool: a {@code LISTEN}
 * lasts as long as its session, and would take a pool connection for good. It polls for notifications, checks a
 * quiet connection now and then, and reconnects with back-off when the database goes away (an embedded server being
 * restarted, a terminated backend). Events notified while it is disconnected are missed: {@code NOTIFY} is not
 * stored.
 */
public final class NotifyFeeder implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotifyFeeder.class);

  /** How long one wait for notifications lasts; also how long {@link #close()} may wait for the thread to see it. */
  static final int POLL_MILLIS = 250;
  /** A connection quiet this long is checked, so that a silently vanished database is noticed. */
  static final Duration CHECK_AFTER = Duration.ofSeconds(30);
  static final int CHECK_TIMEOUT_SECONDS = 5;
  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  public static final Duration MAX_RETRY = Duration.ofSeconds(30);
  /** How long {@link #close()} waits for the thread beyond one poll (a connect under way is bounded by its timeout). */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  /** An unquoted PostgreSQL identifier, which NOTIFY and LISTEN fold to lower case. */
  private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource connections;
  private final String channel;
  private final EventHub hub;
  private final ThreadFactory threadFactory;
  private final ObjectMapper json = new ObjectMapper();
  private final CountDownLatch closing = new CountDownLatch(1);
  private Thread thread;
  private volatile boolean connected;

  /**
   * @param connections opens direct (unpooled) connections to the shared database
   * @param channel     the {@code NOTIFY} channel, a lower-case identifier ({@code rfb_activity})
   */
  public NotifyFeeder(DataSource connections, String channel, EventHub hub, ThreadFactory threadFactory) {
    if (!CHANNEL.matcher(channel).matches()) {
      throw new IllegalArgumentException("channel must be a lower-case identifier: " + channel);
    }
    this.connections = connections;
    this.channel = channel;
    this.hub = hub;
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
  public static Duration delayBefore(int n) {
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
        // A database restart is reported by whoever restarts it; the feed warns only once the outage is long.
        Level level = failures == 1 ? Level.INFO : delay.equals(MAX_RETRY) ? Level.WARN : Level.DEBUG;
        log.atLevel(level).log("event feed: {} (SQLSTATE {}); reconnecting in {} ms", e.getClass().getSimpleName(),
            e instanceof SQLException s ? s.getSQLState() : "none", delay.toMillis());
        try {
          if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException ie) {
          break;
        }
      }
    }
    connected = false;
  }

  private void listen(Connection c, int failures) throws SQLException {
    c.setAutoCommit(true); // LISTEN takes effect at commit
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + channel);
    }
    PGConnection pg = c.unwrap(PGConnection.class);
    connected = true;
    if (failures > 0) {
      log.info("event feed: listening again on {} after {} failed attempts", channel, failures);
    }
    long lastHeard = System.nanoTime();
    while (closing.getCount() > 0) {
      PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
      if (notifications != null && notifications.length > 0) {
        lastHeard = System.nanoTime();
        for (PGNotification n : notifications) {
          deliver(n.getParameter());
        }
      } else if (System.nanoTime() - lastHeard > CHECK_AFTER.toNanos()) {
        if (!c.isValid(CHECK_TIMEOUT_SECONDS)) {
          throw new SQLException("connection no longer valid", "08006");
        }
        lastHeard = System.nanoTime();
      }
    }
  }

  /** One payload: an event's JSON ({@code ActivityEvent.toJson()}); anything else is dropped and logged by size. */
  void deliver(String payload) {
    try {
      JsonNode event = json.readTree(payload);
      JsonNode id = event == null ? null : event.get("id");
      JsonNode type = event == null ? null : event.get("type");
      if (id == null || !id.isTextual() || type == null || !type.isTextual()
          || !EventFrame.safeField(id.asText()) || !EventFrame.safeField(type.asText())) {
        log.warn("event feed: dropped a notification of {} characters without a usable id and type",
            payload.length());
        return;
      }
      // Compact JSON is one line; a payload that is not (pretty-printed by hand) is written again.
      String data = payload.indexOf('\n') < 0 && payload.indexOf('\r') < 0 ? payload : json.writeValueAsString(event);
      hub.publish(id.asText(), type.asText(), data);
    } catch (JsonProcessingException e) {
      log.warn("event feed: dropped a notification of {} characters that is not JSON", payload.length());
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
      log.warn("event feed thread did not stop within {} ms", POLL_MILLIS + CLOSE_WAIT.toMillis());
    }
  }
}
