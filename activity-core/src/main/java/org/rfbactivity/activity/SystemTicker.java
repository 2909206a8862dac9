package org.rfbactivity.activity;

/** Stateless, hence an enum singleton (docs/style.md#stateless-objects-are-enum-singletons). */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
