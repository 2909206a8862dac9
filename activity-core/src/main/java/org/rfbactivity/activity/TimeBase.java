package org.rfbactivity.activity;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Turns ticker nanoseconds into UTC instants: one (ticker, clock) pair read together, then pure arithmetic. Intake
 * reads only the ticker; conversion happens off the hot path, and the same nanoseconds always give the same instant
 * (a snapshot and the stored row agree) until the flusher re-anchors after the wall clock drifted or was stepped.
 * Instants are truncated to microseconds, PostgreSQL's timestamp precision.
 */
final class TimeBase {

  /** Drift between ticker and wall clock tolerated before re-anchoring; well below anything a user could see. */
  static final long MAX_DRIFT_NANOS = Duration.ofMillis(1).toNanos();

  private final long anchorNanos;
  private final Instant anchorInstant;

  private TimeBase(long anchorNanos, Instant anchorInstant) {
    this.anchorNanos = anchorNanos;
    this.anchorInstant = anchorInstant;
  }

  static TimeBase anchoredAt(long tickerNanos, Instant wallNow) {
    return new TimeBase(tickerNanos, wallNow);
  }

  /** The ticker reading of a wall-clock instant (another replica's, say), on this base. */
  long toNanos(Instant instant) {
    return anchorNanos + java.time.Duration.between(anchorInstant, instant).toNanos();
  }

  Instant toInstant(long tickerNanos) {
    return anchorInstant.plusNanos(tickerNanos - anchorNanos).truncatedTo(ChronoUnit.MICROS);
  }

  /** This base, or a new one anchored at ({@code tickerNanos}, {@code wallNow}) if they drifted apart. */
  TimeBase reanchoredIfDrifted(long tickerNanos, Instant wallNow) {
    long predicted = tickerNanos - anchorNanos;
    long actual = Duration.between(anchorInstant, wallNow).toNanos();
    return Math.abs(actual - predicted) > MAX_DRIFT_NANOS ? anchoredAt(tickerNanos, wallNow) : this;
  }
}
