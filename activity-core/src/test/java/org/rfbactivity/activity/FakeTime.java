package org.rfbactivity.activity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A ticker and a wall clock driven by hand, moving in lockstep: ticker nanos {@code n} is wall time
 * {@code origin + n}. Thread-safe.
 */
final class FakeTime {

  private final Instant origin;
  private final AtomicLong nanos = new AtomicLong();

  private FakeTime(Instant origin) {
    this.origin = origin;
  }

  /** Time zero is {@code origin}. */
  static FakeTime startingAt(Instant origin) {
    return new FakeTime(origin);
  }

  /** Time zero is now, to the second, so rows written at fake times are fresh for the database's now(). */
  static FakeTime startingNow() {
    return new FakeTime(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
  }

  Ticker ticker() {
    return nanos::get;
  }

  Clock clock() {
    return utcClock(() -> origin.plusNanos(nanos.get()));
  }

  /** A UTC clock that reads {@code now}. */
  static Clock utcClock(Supplier<Instant> now) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
  }

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  /** Sets the time to {@code sinceOrigin}; never backwards. */
  void set(Duration sinceOrigin) {
    long target = sinceOrigin.toNanos();
    if (target < nanos.get()) {
      throw new IllegalArgumentException("time goes backwards: " + sinceOrigin);
    }
    nanos.set(target);
  }

  long nanos() {
    return nanos.get();
  }

  Instant origin() {
    return origin;
  }

  /** The wall time of {@code sinceOrigin}. */
  Instant at(Duration sinceOrigin) {
    return origin.plus(sinceOrigin);
  }

  Instant now() {
    return origin.plusNanos(nanos.get());
  }
}
