package org.rfbactivity.proxy.route;

import java.util.Objects;
import org.rfbactivity.proxy.config.Target;

/**
 * Where one viewer goes: the session it belongs to and the VNC server to connect, as decided by the configured
 * routing (never by the client). {@code kind} names the routing for logs; {@code policy} is what the route sets for
 * its viewers (idle disconnect and the like); {@code origin} is what the route came from, so that a token revoked or a
 * row deleted can end its viewers, and is never shown.
 */
public record Route(String sessionId, Target target, String kind, RoutePolicy policy, RouteOrigin origin) {
  public Route {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(origin, "origin");
  }

  /** A route that sets no policy and that nothing withdraws (the static route). */
  public Route(String sessionId, Target target, String kind) {
    this(sessionId, target, kind, RoutePolicy.NONE, RouteOrigin.NONE);
  }
}
