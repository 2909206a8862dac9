package org.rfbactivity.proxy.relay;

import java.net.InetAddress;

/**
 * The relay's record of what the observer told it about one connection: whether it became a viewer (with the facts
 * for its log lines) and whether the VNC server refused its authentication. It tells the connection limits how the
 * client's source authenticated, logs the open, and names the refusal of a connection that ends before it became a
 * viewer. Used on the connection's event loop only.
 */
final class HandshakeRecord implements HandshakeOutcome {

  private final ViewerConnection connection;
  private final RelayServices services;
  /** The client's address as the limits count it; null when it has none. */
  private final InetAddress source;
  /** Null until the connection is a viewer. */
  private HandshakeFacts facts;
  private boolean authenticationFailed;

  HandshakeRecord(ViewerConnection connection, RelayServices services, InetAddress source) {
    this.connection = connection;
    this.services = services;
    this.source = source;
  }

  /** Logs and counts the open, and tells the limits the source authenticated. Once only. */
  @Override
  public void established(HandshakeFacts facts) {
    if (connection.isClosed() || this.facts != null) {
      return;
    }
    this.facts = facts;
    services.limits().authenticated(source);
    services.log().opened(connection.description(), facts);
  }

  @Override
  public void securityRefused(boolean afterAuthentication) {
    if (!authenticationFailed) {
      authenticationFailed = true;
      if (afterAuthentication) {
        services.limits().authenticationFailed(source);
      }
    }
  }

  @Override
  public void serverStreamUnwatched() {
    connection.serverStreamUnwatched();
  }

  @Override
  public void handshakeTimedOut() {
    if (facts == null) {
      connection.close(CloseReason.HANDSHAKE_TIMEOUT);
    }
  }

  /** What the observer reported when the connection became a viewer, or null while it is not one. */
  HandshakeFacts facts() {
    return facts;
  }

  /**
   * Why a connection that never became a viewer ended: the server refused its authentication, or one side simply
   * closed (a health check, a port scan, a viewer that gave up); a timeout or an error keeps its own reason.
   */
  String refusal(CloseReason reason) {
    if (authenticationFailed) {
      return RefusalReason.AUTH_FAILED.label();
    }
    if (reason == CloseReason.CLIENT_CLOSED || reason == CloseReason.SERVER_CLOSED) {
      return RefusalReason.HANDSHAKE_FAILED.label();
    }
    return reason.label();
  }
}
