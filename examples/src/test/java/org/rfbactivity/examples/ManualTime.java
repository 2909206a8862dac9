package org.rfbactivity.examples;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.rfbactivity.activity.Ticker;

/** A ticker the test advances, and a wall clock that follows it from a start: every instant is exact. */
final class ManualTime {

  private final Instant start;
  private final AtomicLong nanos = new AtomicLong();

  /** {@code start} is truncated to microseconds, the tracker's (and PostgreSQL's) precision. */
  ManualTime(Instant start) {
    this.start = start.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
  }

  Instant start() {
    return start;
  }

  /** {@link #start()} plus {@code offset}. */
  Instant at(Duration offset) {
    return start.plus(offset);
  }

  Ticker ticker() {
    return nanos::get;
  }

  Clock clock() {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
      }

      @Override
      public Instant instant() {
        return start.plusNanos(nanos.get());
      }
    };
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
