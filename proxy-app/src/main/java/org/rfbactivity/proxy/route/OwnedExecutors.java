package org.rfbactivity.proxy.route;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The pools that keep blocking work off the event loops: the route lookups' ({@link RouteLookup}), and the admin API's
 * stored-session reads. Bounded, lazily threaded, and owned by the class that uses one, which shuts it down.
 */
public final class OwnedExecutors {

  /** Idle pool threads end after this; a quiet proxy keeps no spare threads. */
  static final long KEEP_ALIVE_SECONDS = 30;
  static final long SHUTDOWN_WAIT_SECONDS = 5;

  private OwnedExecutors() {}

  /**
   * A pool of {@code threads} threads, created on first use, with at most {@code queueLimit} tasks waiting; a
   * task beyond that is rejected ({@link java.util.concurrent.RejectedExecutionException}) rather than queued
   * without bound.
   */
  public static ThreadPoolExecutor bounded(int threads, int queueLimit, ThreadFactory threadFactory) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(queueLimit), threadFactory);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** Interrupts the work in progress, drops what waits, and waits a little for the threads to end. */
  public static void shutdown(ThreadPoolExecutor executor) {
    executor.shutdownNow();
    try {
      executor.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
