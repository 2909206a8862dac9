package org.rfbactivity.activity;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Time for the load runs: a ticker and a UTC clock moved by hand, in lockstep, from the run's main thread only, so a
 * run can simulate minutes of input and ticks in seconds of wall time.
 */
final class SimulatedTime {

  private final Instant origin = Instant.now();
  private long nanos;

  void set(long nanos) {
    this.nanos = nanos;
  }

  Ticker ticker() {
    return () -> nanos;
  }

  Clock clock() {
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
        return origin.plusNanos(nanos);
      }
    };
  }
}
