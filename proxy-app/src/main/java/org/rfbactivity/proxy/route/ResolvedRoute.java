package org.rfbactivity.proxy.route;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;

/**
 * A {@link Route} whose target name has been resolved (off the event loop) to the address to connect: an
 * {@link InetSocketAddress}, or a {@link UnixDomainSocketAddress} for a Unix socket target.
 */
public record ResolvedRoute(Route route, SocketAddress address) {
  public ResolvedRoute {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(address, "address");
    if (!(address instanceof InetSocketAddress || address instanceof UnixDomainSocketAddress)) {
      throw new IllegalArgumentException("not an IP or Unix socket address");
    }
    if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
      throw new IllegalArgumentException("address must be resolved");
    }
  }
}
