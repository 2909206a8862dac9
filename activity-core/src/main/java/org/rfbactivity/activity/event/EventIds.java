package org.rfbactivity.activity.event;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event ids: {@code evt_<16 hex digits of a random nonce>_<sequence>}. The nonce is drawn once per generator (one
 * per tracker), so ids are unique across replicas and restarts; the sequence orders one generator's events.
 * Thread-safe.
 */
public final class EventIds {

  private final String prefix;
  private final AtomicLong sequence = new AtomicLong();

  /** A generator with a fresh random nonce. */
  public EventIds() {
    this(new SecureRandom().nextLong());
  }

  /**
   * A generator with this nonce (tests).
   *
   * @param nonce the random part every id of this generator shares
   */
  public EventIds(long nonce) {
    this.prefix = "evt_" + HexFormat.of().toHexDigits(nonce) + "_";
  }

  /** {@return the next id} */
  public String next() {
    return prefix + sequence.incrementAndGet();
  }
}
