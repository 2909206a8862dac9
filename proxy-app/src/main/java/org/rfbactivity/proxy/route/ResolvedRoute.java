package org.rfbactivity.proxy.route;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A {@link Route} whose target name has been resolved (off the event loop) to the address to connect. */
public record ResolvedRoute(Route route, InetSocketAddress address) {
  public ResolvedRoute {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("address must be resolved");
    }
  }
}
