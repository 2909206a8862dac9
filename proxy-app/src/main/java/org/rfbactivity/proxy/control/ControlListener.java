package org.rfbactivity.proxy.control;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.rfbactivity.proxy.db.ListenLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Executes the other replicas' control commands on this one (docs/architecture.md#control-channel): one owned thread
 * ({@code rfba-control}) {@code LISTEN}s on the control channel with a direct connection of its own (a
 * {@link ListenLoop}, which reconnects with back-off). For each command another replica issued it closes what this replica holds of the
 * target and stores its acknowledgement (also when it held nothing, so the issuer need not wait it out); for each
 * acknowledgement it wakes this replica's waiting disconnects. At every (re)connect it first reads the recent commands
 * it has not acknowledged (it may have missed their {@code NOTIFY}) and executes them on the viewers that were already
 * open when they were issued; now and then it purges old commands.
 */
public final class ControlListener implements AutoCloseable, ListenLoop.Handler {

  private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

  /** How far back a reconnect looks for missed commands: an operator's close still applies after a short outage. */
  static final Duration CATCH_UP_WINDOW = Duration.ofMinutes(10);
  /** Commands (and their acknowledgements) are kept this long for an operator to look at, then purged. */
  static final Duration RETENTION = Duration.ofHours(1);
  static final Duration PURGE_EVERY = Duration.ofMinutes(1);

  private final String self;
  private final ControlStore store;
  private final LocalCloser closer;
  private final ViewerOpens opens;
  private final AckSignal acks;
  private final ListenLoop loop;
  /** Owned by the loop's thread. */
  private long nextPurge = System.nanoTime();

  /** Made by {@link Disconnects}, which owns the closer and the signal it shares with the listener. */
  interface Factory {
    ControlListener create(LocalCloser closer, AckSignal acks);
  }

  ControlListener(DataSource connections, String channel, String self, ControlStore store, LocalCloser closer,
      ViewerOpens opens, AckSignal acks, ThreadFactory threadFactory) {
    this.self = self;
    this.store = store;
    this.closer = closer;
    this.opens = opens;
    this.acks = acks;
    this.loop = new ListenLoop("control channel", connections, channel, this, threadFactory);
  }

  public void start() {
    loop.start();
  }

  /**
   * Listening first, then catching up: a command stored in between is both heard and read, and executed once (the ack
   * written first makes the other one skip it).
   */
  @Override
  public void listening(Connection c) throws SQLException, InterruptedException {
    for (ControlCommand missed : store.unacknowledged(c, self, CATCH_UP_WINDOW)) {
      execute(c, missed, viewer -> opens.openedBy(viewer, missed.issuedAt()));
    }
  }

  @Override
  public void beforePoll(Connection c) throws SQLException {
    if (System.nanoTime() - nextPurge >= 0) {
      int n = store.purge(c, RETENTION);
      if (n > 0) {
        log.debug("control channel: purged {} commands older than {}", n, RETENTION);
      }
      nextPurge = System.nanoTime() + PURGE_EVERY.toNanos();
    }
  }

  @Override
  public void heard(Connection c, String payload) throws SQLException, InterruptedException {
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
    loop.close();
  }
}
