package org.rfbactivity.proxy.route;

import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Turns what a viewer presented into a {@link Route}, or refuses. Implementations never take a target from
 * the request itself. A resolver that does I/O (file, database) says so through {@link #blocking()}, and is
 * then called off the event loop by {@link RouteLookup}.
 */
public interface RouteResolver {

  /**
   * @throws RouteRefusedException when the request has no valid route (the message is loggable)
   */
  Route resolve(RouteRequest request) throws RouteRefusedException;

  /** True when {@link #resolve} may block on I/O and must not run on an event loop. */
  boolean blocking();

  /**
   * The state of the routing source as the newest lookup found it, for {@code /readyz} and metrics; empty when
   * there is nothing to report (a fixed route, a key). Called on the admin event loop, so it must not block.
   */
  default Optional<RoutingStatus> status() {
    return Optional.empty();
  }

  /**
   * Which of these live routes, all given out by this resolver, its source no longer gives (the token is gone or now
   * leads elsewhere, the row is deleted): their viewers are closed. May block; called off the event loops by the
   * revocation check. The default withdraws nothing (the static route; a JWT ends at its {@code exp} instead).
   *
   * @return the indices in {@code live} of the routes withdrawn
   * @throws RouteRefusedException (unavailable) when the source cannot answer now: nothing is withdrawn for that
   */
  default BitSet withdrawn(List<Route> live) throws RouteRefusedException {
    return new BitSet();
  }

  /** A path id, when given, must name the session the route leads to: the path never picks a target. */
  static void requireMatchingPathId(RouteRequest request, String sessionId) throws RouteRefusedException {
    if (request.pathId() != null && !request.pathId().equals(sessionId)) {
      throw RouteRefusedException.refused("path session id does not match the route");
    }
  }
}
