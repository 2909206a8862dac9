package org.rfbactivity.proxy.webhook;

import java.time.Duration;

/**
 * When a failed attempt is repeated: exponential back-off from {@code first}, doubling up to {@code cap}, each delay
 * drawn between half and all of its value (so receivers that failed together are not retried together), and at most
 * {@code maxAttempts} attempts per event.
 */
record RetryPolicy(Duration first, Duration cap, int maxAttempts) {

  /**
   * 0.5 s doubling to 60 s, 10 attempts: about 3 minutes of back-off plus the attempts' own time per event. Events are
   * kept in memory and delivered in order, so a dead receiver must not hold the head for days as the specification's
   * example schedule would; the bounded queue keeps the newest meanwhile.
   */
  static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(500), Duration.ofSeconds(60), 10);

  RetryPolicy {
    if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0 || maxAttempts < 1) {
      throw new IllegalArgumentException("retry policy: first > 0, cap >= first, maxAttempts >= 1");
    }
  }

  /**
   * The delay after the {@code failed}th failed attempt of an event (1 for the first).
   *
   * @param random a number in [0, 1)
   */
  long delayNanos(int failed, double random) {
    long cap = this.cap.toNanos();
    long delay = first.toNanos();
    for (int i = 1; i < failed && delay < cap; i++) {
      delay *= 2;
    }
    delay = Math.min(delay, cap);
    return delay / 2 + (long) (random * (delay / 2));
  }
}
