package org.rfbactivity.proxy.metrics;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Measures how late a task scheduled on each event loop of a group runs: the time any viewer's bytes would have waited
 * behind other work on that loop. Every {@code period} each loop runs one tiny task and reports its lateness; a loop
 * that is stalled (a flood being decoded, a blocking call) reports it when it gets to the task. Tasks run on the loops
 * themselves: no thread of its own.
 */
public final class EventLoopLagProbe implements AutoCloseable {

  private final EventLoopGroup group;
  private final long periodNanos;
  private final LongConsumer lagNanos;
  private final List<Probe> probes = new ArrayList<>();

  /**
   * @param period time between two probes of one loop
   * @param lagNanos receives each probe's lateness in nanoseconds, on the probed loop's thread
   */
  public EventLoopLagProbe(EventLoopGroup group, Duration period, LongConsumer lagNanos) {
    this.group = group;
    this.periodNanos = period.toNanos();
    this.lagNanos = lagNanos;
  }

  /** Starts probing every loop of the group. */
  public synchronized void start() {
    for (EventExecutor loop : group) {
      Probe probe = new Probe(loop);
      probes.add(probe);
      probe.schedule();
    }
  }

  /** Stops probing (a probe already running finishes). */
  @Override
  public synchronized void close() {
    for (Probe probe : probes) {
      probe.cancel();
    }
    probes.clear();
  }

  /** One loop's probe: always one task scheduled, which measures itself and schedules the next. */
  private final class Probe implements Runnable {
    private final EventExecutor loop;
    private volatile boolean cancelled;
    private volatile ScheduledFuture<?> next;
    private long dueNanos;

    Probe(EventExecutor loop) {
      this.loop = loop;
    }

    void schedule() {
      dueNanos = System.nanoTime() + periodNanos;
      next = loop.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
      if (cancelled) {
        next.cancel(false); // close() ran while this probe was rescheduling itself
      }
    }

    void cancel() {
      cancelled = true;
      ScheduledFuture<?> f = next;
      if (f != null) {
        f.cancel(false);
      }
    }

    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      lagNanos.accept(Math.max(0, System.nanoTime() - dueNanos));
      if (!loop.isShuttingDown()) {
        schedule();
      }
    }
  }
}
