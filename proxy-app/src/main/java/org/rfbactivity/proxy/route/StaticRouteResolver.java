package org.rfbactivity.proxy.route;

import org.rfbactivity.proxy.config.Routing;

/** Every viewer goes to the one configured target ({@code --target}, {@code --session-id}). */
public final class StaticRouteResolver implements RouteResolver {

  private final Route route;

  public StaticRouteResolver(Routing.Static routing) {
    this.route = new Route(routing.sessionId(), routing.target(), routing.kind());
  }

  @Override
  public Route resolve(RouteRequest request) throws RouteRefusedException {
    RouteResolver.requireMatchingPathId(request, route.sessionId());
    return route;
  }

  @Override
  public boolean blocking() {
    return false;
  }
}
