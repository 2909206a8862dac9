package org.rfbactivity.proxy.db;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded server running while the proxy runs. One owned thread ({@code rfba-pg-watch}) looks at the
 * postmaster every {@link #CHECK_INTERVAL}; when it is gone, the thread starts it again on the same port
 * ({@link PgCtl}), the first attempt {@link #FIRST_RESTART_DELAY} later and each further one after twice the wait,
 * up to {@link #MAX_RESTART_DELAY}. Until it is back, {@link #running()} is false: the pool refuses at once and
 * {@code /readyz} names the attempt. Polling on its own thread rather than {@code ProcessHandle.onExit()}, whose
 * callbacks run on the JDK's threads.
 */
final class PostmasterWatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostmasterWatch.class);

  static final Duration CHECK_INTERVAL = Duration.ofMillis(500);
  /** Gives the dead server's children a moment to exit: a new server refuses to start while they hold its memory. */
  static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
  /** close() waits this long for a check or an attempt under way; an attempt stops pg_ctl when interrupted. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final Path pgdata;
  private final int port;
  private final PgCtl pgCtl;
  private final PostgresLog postgresLog;
  private final Runnable onRestarted;

  private ScheduledExecutorService executor;
  private volatile ProcessHandle postmaster;
  /** 0 while the server runs; else the number of the restart attempt that is due next or under way. */
  private volatile int attempt;
  /** When that attempt is due, in {@link System#nanoTime()}; touched by the watch thread only. */
  private long attemptDueNanos;

  PostmasterWatch(ProcessHandle postmaster, Path pgdata, int port, PgCtl pgCtl, PostgresLog postgresLog,
      Runnable onRestarted) {
    this.postmaster = postmaster;
    this.pgdata = pgdata;
    this.port = port;
    this.pgCtl = pgCtl;
    this.postgresLog = postgresLog;
    this.onRestarted = onRestarted;
  }

  void start() {
    executor = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("rfba-pg-watch", true));
    executor.scheduleWithFixedDelay(this::check, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** False from the moment the server is seen gone until it is back. */
  boolean running() {
    return attempt == 0;
  }

  /** The restart attempt that is due next or under way; 0 while the server runs. */
  int restartAttempt() {
    return attempt;
  }

  /** The postmaster last seen running (it may have died since). */
  ProcessHandle postmaster() {
    return postmaster;
  }

  /** Wait before restart attempt {@code n} (1, 2, …): 1 s, 2 s, 4 s … up to 30 s. */
  static Duration delayBefore(int n) {
    int doublings = Math.min(n - 1, 30);
    Duration delay = FIRST_RESTART_DELAY.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_RESTART_DELAY) > 0 ? MAX_RESTART_DELAY : delay;
  }

  private void check() {
    try {
      if (attempt == 0) {
        if (!Postmaster.isRunning(postmaster)) {
          attempt = 1;
          attemptDueNanos = System.nanoTime() + delayBefore(1).toNanos();
          log.warn("embedded PostgreSQL (pid {}) is gone; restarting it on 127.0.0.1:{} in {} ms", postmaster.pid(),
              port, delayBefore(1).toMillis());
        }
      } else if (System.nanoTime() - attemptDueNanos >= 0) {
        restart();
      }
    } catch (RuntimeException e) {
      // Anything thrown out of here would cancel the schedule, and the watch with it.
      log.error("embedded PostgreSQL watch failed", e);
    }
  }

  private void restart() {
    String reason;
    try {
      Postmaster.Found found = Postmaster.find(pgdata);
      if (found.state() == Postmaster.State.RUNNING) {
        adopt(found.process()); // started by someone else meanwhile (an operator's pg_ctl)
        return;
      }
      if (found.state() == Postmaster.State.UNKNOWN) {
        reason = "postmaster.pid names pid " + found.pid() + ", which runs but cannot be checked";
      } else {
        // The file names a dead server or a reused pid: stale either way, and pg_ctl would signal that pid.
        PostmasterPidFile.delete(pgdata);
        if (pgCtl.restart()) {
          Postmaster.Found started = Postmaster.find(pgdata);
          if (started.process() != null && started.state() != Postmaster.State.UNRELATED) {
            adopt(started.process());
            return;
          }
          reason = "pg_ctl reported a start, but postmaster.pid names no running server";
        } else {
          reason = postgresLog.lastProblem().orElse("pg_ctl restart failed; see " + postgresLog.file());
        }
      }
    } catch (IOException e) {
      reason = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
      return;
    }
    Duration next = delayBefore(attempt + 1);
    log.warn("embedded PostgreSQL restart attempt {} failed: {}; next attempt in {} s", attempt, reason,
        next.toSeconds());
    attemptDueNanos = System.nanoTime() + next.toNanos();
    attempt = attempt + 1;
  }

  private void adopt(ProcessHandle process) {
    int attempts = attempt;
    postmaster = process;
    onRestarted.run();
    attempt = 0; // last: the pool lets callers through again from here
    log.info("embedded PostgreSQL restarted on 127.0.0.1:{} (pid {}, attempt {})", port, process.pid(), attempts);
  }

  /** Stops the watch; an attempt under way is interrupted, which stops its pg_ctl. */
  @Override
  public void close() {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
