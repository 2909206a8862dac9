package org.rfbactivity.activity;

/**
 * Pause before the next store write after failures: one flush tick after the first retryable failure, doubling per
 * further failure, never more than the cap; a failure that will not pass by itself waits the cap at once.
 */
final class Backoff {

  private Backoff() {
  }

  static long delayNanos(int consecutiveFailures, boolean retryable, long flushTickNanos, long maxNanos) {
    if (!retryable || consecutiveFailures <= 0) {
      return retryable ? flushTickNanos : maxNanos;
    }
    int doublings = Math.min(consecutiveFailures - 1, 62);
    long delay = flushTickNanos;
    for (int i = 0; i < doublings && delay < maxNanos; i++) {
      delay <<= 1;
    }
    return Math.min(delay, maxNanos);
  }
}
