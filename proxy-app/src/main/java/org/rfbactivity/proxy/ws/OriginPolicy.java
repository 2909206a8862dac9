package org.rfbactivity.proxy.ws;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Blocks cross-site WebSocket hijacking: a page on another site must not be able to open a viewer with the
 * user's ambient credentials. Browsers always send {@code Origin} on a WebSocket upgrade (RFC 6455 §4.1
 * item 8), so a request with an Origin is allowed only from the same origin as the request's {@code Host}
 * (a reverse proxy serving the noVNC page and the WebSocket on one host) or from an {@code --allowed-origin}.
 * A request without Origin comes from a non-browser client, which cannot be hijacked this way, and is allowed.
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
    return o.substring(scheme + 3).equals(host.trim().toLowerCase(Locale.ROOT));
  }
}
