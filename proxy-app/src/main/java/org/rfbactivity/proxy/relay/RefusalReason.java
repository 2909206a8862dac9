package org.rfbactivity.proxy.relay;

/**
 * Why a connection never became a viewer; the label is the {@code reason} tag of
 * {@code vnc_proxy_connections_refused_total}. A connection that ends on a timeout or an error before it was
 * established is counted by its {@link CloseReason} instead.
 */
public enum RefusalReason {
  /** More connections than {@code --max-connections}. */
  LIMIT("limit"),
  /** More connections from one source (IPv4 address, IPv6 /64) than {@code --max-connections-per-ip}. */
  SOURCE_LIMIT("ip_limit"),
  /** New connections from one source faster than {@code --max-connect-rate-per-ip}. */
  SOURCE_RATE("ip_rate"),
  /** A client address whose authentication the VNC server refused too often, refused for a while. */
  SOURCE_BLOCKED("ip_blocked"),
  /** A WebSocket {@code Origin} that is not allowed. */
  ORIGIN("origin"),
  /** No route for the token or session id (unknown, expired, bad signature …). */
  ROUTE("route"),
  /** The routing source could not answer (database down). */
  ROUTE_UNAVAILABLE("route_unavailable"),
  /** The VNC server could not be reached. */
  BACKEND("backend"),
  /** Not a WebSocket upgrade this proxy serves (method, path, headers, version). */
  BAD_REQUEST("bad_request"),
  /** The viewer's TLS handshake failed. */
  TLS("tls"),
  /**
   * One side closed before the RFB handshake was done (a bare connect, a health check, a port scan, a viewer that
   * gave up at the password prompt).
   */
  HANDSHAKE_FAILED("handshake_failed"),
  /** The VNC server refused the viewer's authentication. */
  AUTH_FAILED("auth_failed");

  private final String label;

  RefusalReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
