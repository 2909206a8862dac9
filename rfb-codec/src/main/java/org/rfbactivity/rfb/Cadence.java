package org.rfbactivity.rfb;

/**
 * The rhythm of one repeated pattern for {@link SyntheticInputDetector}: how many bursts in a row started at a
 * near-constant period (docs/protocol.md#synthetic-input). Fields only, so advancing it allocates nothing.
 */
final class Cadence {

  /** From this burst on a pattern is synthetic: the third start in a row, two matching periods. */
  static final int DETECTED = 3;
  /** The absolute slack of a period: a timer's jitter on a short period (scheduling, network). */
  static final long MIN_TOLERANCE_NANOS = 50_000_000L;
  /** The relative slack of a period: one tenth, as a divisor. */
  private static final long TOLERANCE_DIVISOR = 10;

  /** Bursts in a row at a matching period, up to {@link #DETECTED}. */
  private int bursts;
  private long lastStart;
  /** The previous accepted interval between burst starts; meaningful from the second burst. */
  private long period;

  /** Forgets the rhythm: the next burst is the first. */
  void reset() {
    bursts = 0;
  }

  /** A burst started at this time: returns whether it is synthetic. */
  boolean burstAt(long nanos) {
    if (bursts == 0) {
      bursts = 1;
    } else {
      long interval = nanos - lastStart;
      if (bursts == 1 || Math.abs(interval - period) > Math.max(period / TOLERANCE_DIVISOR, MIN_TOLERANCE_NANOS)) {
        // A new rhythm to test, made of the previous burst and this one.
        bursts = 2;
      } else if (bursts < DETECTED) {
        bursts++;
      }
      period = interval;
    }
    lastStart = nanos;
    return bursts >= DETECTED;
  }
}
