package org.rfbactivity.proxy.backend;

/**
 * Why a viewer was refused before its relay started; the label is the {@code reason} tag of
 * {@code vnc_proxy_connections_refused_total} (a connection that ends before relaying is counted by its {@link CloseReason}).
 */
public enum RefusalReason {
  /** More connections than {@code --max-connections}. */
  LIMIT("limit"),
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
  TLS("tls");

  private final String label;

  RefusalReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
