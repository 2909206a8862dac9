package org.rfbactivity.proxy.route;

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

  /** A path id, when given, must name the session the route leads to: the path never picks a target. */
  static void requireMatchingPathId(RouteRequest request, String sessionId) throws RouteRefusedException {
    if (request.pathId() != null && !request.pathId().equals(sessionId)) {
      throw RouteRefusedException.refused("path session id does not match the route");
    }
  }
}
