package org.rfbactivity.proxy.ws;

import io.netty.util.NetUtil;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Blocks cross-site WebSocket hijacking: a page on another site must not be able to open a viewer with the
 * user's ambient credentials. Browsers always send {@code Origin} on a WebSocket upgrade (RFC 6455 §4.1
 * item 8), so a request with an Origin is allowed only from an {@code --allowed-origin}, or from the same origin as
 * the request's {@code Host} when that host is an IP address or {@code localhost} (the noVNC page served by the proxy's
 * own host). Same origin by a host name proves nothing: with DNS rebinding an attacker's page on
 * {@code http://evil.example:6080} re-points its name at the proxy, and its Origin and Host then agree; a name (a
 * reverse proxy's) must be listed. A request without Origin comes from a non-browser client, which cannot be hijacked
 * this way, and is allowed.
 */
final class OriginPolicy {

  private final Set<String> allowed;

  /** @param allowed normalised origins ({@code scheme://host[:port]}, lower case) */
  OriginPolicy(List<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  boolean permits(String origin, String host) {
    if (origin == null) {
      return true;
    }
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (allowed.contains(o)) {
      return true;
    }
    int scheme = o.indexOf("://");
    if (scheme <= 0 || host == null) {
      return false; // includes the opaque origin "null" of sandboxed frames and file: pages
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    return o.substring(scheme + 3).equals(h) && cannotBeRebound(h);
  }

  /** An IP address or localhost, with an optional port: a name no foreign page can be served from (see above). */
  static boolean cannotBeRebound(String hostHeader) {
    String name;
    if (hostHeader.startsWith("[")) {
      int close = hostHeader.indexOf(']');
      name = close < 0 ? "" : hostHeader.substring(1, close);
    } else {
      int colon = hostHeader.lastIndexOf(':');
      name = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }
    return name.equals("localhost") || NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name);
  }
}
