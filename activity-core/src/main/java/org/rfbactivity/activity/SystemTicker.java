package org.rfbactivity.activity;

/** Stateless, hence an enum singleton (Caffeine CAF-4). */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
