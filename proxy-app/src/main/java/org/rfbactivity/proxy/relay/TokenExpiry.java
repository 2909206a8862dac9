package org.rfbactivity.proxy.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.rfbactivity.proxy.route.Route;

/**
 * When a viewer routed by an expiring token (a JWT's {@code exp}) is closed with {@link CloseReason#TOKEN_EXPIRED}:
 * at that instant when {@code --close-on-token-expiry} is on, never when it is off. The close is one task scheduled
 * on the viewer's own event loop when it is routed and cancelled when it closes
 * ({@link ViewerConnection}), so no thread goes through the viewers and an expiry costs nothing until it fires.
 */
public final class TokenExpiry {

  /** Closes no viewer at its token's expiry. */
  public static final TokenExpiry OFF = new TokenExpiry(false, Clock.systemUTC());

  private final boolean close;
  private final Clock clock;

  /** @param clock the wall clock the token's {@code exp} was checked against when the viewer was routed */
  public TokenExpiry(boolean close, Clock clock) {
    this.close = close;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** How long until {@code route}'s token expires (zero when it already has), or null when it is not to be closed. */
  Duration remaining(Route route) {
    Instant expiresAt = route.origin().expiresAt();
    if (!close || expiresAt == null) {
      return null;
    }
    Duration left = Duration.between(clock.instant(), expiresAt);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
