package org.rfbactivity.proxy.route;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.rfbactivity.proxy.config.Routing;

/** The one place a {@link RouteResolver} is chosen: a branch per kind of the sealed {@link Routing}. */
public final class RouteResolvers {

  private RouteResolvers() {}

  /**
   * The resolver of {@code routing}, checked as far as it can be before the first viewer: a token file read, a key
   * loaded, a route query prepared against the database.
   *
   * @param maxTokenLifetime {@code --max-token-lifetime}, for JWTs
   * @param database the route query's data source; asked for by that kind only, so that the other kinds are checked
   *     before a database is started
   */
  public static RouteResolver create(Routing routing, Duration maxTokenLifetime, Clock clock,
      Supplier<DataSource> database) {
    if (routing instanceof Routing.Static fixed) {
      return new StaticRouteResolver(fixed);
    }
    if (routing instanceof Routing.TokenFile tokenFile) {
      return new TokenFileRouteResolver(tokenFile);
    }
    if (routing instanceof Routing.RouteQuery query) {
      return new JdbcRouteResolver(query, database.get());
    }
    if (routing instanceof Routing.JwtHs256 || routing instanceof Routing.JwtRs256) {
      return new JwtRouteResolver(routing, maxTokenLifetime, clock);
    }
    // Java 17 cannot switch over a sealed type's records: a kind added to Routing without a branch stops here.
    throw new IllegalArgumentException("no resolver for routing " + routing.kind());
  }
}
