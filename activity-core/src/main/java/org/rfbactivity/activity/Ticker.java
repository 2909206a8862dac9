package org.rfbactivity.activity;

/**
 * A source of monotonic nanoseconds, as in Caffeine's {@code Ticker}. All timing logic of the tracker (active window,
 * persist interval, back-off) reads this and nothing else, so tests can drive time by hand; the wall clock
 * ({@link java.time.Clock}) is only used to turn these nanoseconds into UTC instants for storage.
 */
@FunctionalInterface
public interface Ticker {

  /** {@return nanoseconds from an arbitrary origin; only differences are meaningful. Must never go backwards} */
  long read();

  /** {@return the {@link System#nanoTime()} ticker} */
  static Ticker systemTicker() {
    return SystemTicker.INSTANCE;
  }
}
