package org.rfbactivity.activity;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time for tests with many threads: every ticker read advances a shared counter by 1 µs, so each event gets a
 * distinct time that the calling thread can bracket (read {@link #now()} before and after the call). The clock
 * returns the calling thread's last ticker read, so ticker and clock never drift apart.
 */
final class SteppingTime {

  private static final long STEP = 1_000;

  private final Instant origin;
  private final AtomicLong counter = new AtomicLong();
  private final ThreadLocal<long[]> lastRead = ThreadLocal.withInitial(() -> new long[1]);

  SteppingTime(Instant origin) {
    this.origin = origin;
  }

  Ticker ticker() {
    return () -> {
      long v = counter.addAndGet(STEP);
      lastRead.get()[0] = v;
      return v;
    };
  }

  Clock clock() {
    return FakeTime.utcClock(() -> origin.plusNanos(lastRead.get()[0]));
  }

  /** The latest ticker value handed out. */
  long now() {
    return counter.get();
  }

  Instant origin() {
    return origin;
  }
}
