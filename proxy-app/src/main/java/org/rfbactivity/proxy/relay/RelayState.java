package org.rfbactivity.proxy.relay;

/**
 * Where one viewer's relay stands. It only moves forward: {@code OPENING → CONNECTING → RELAYING}, then at most one
 * of the half-closed states, and from any state to {@code CLOSED}.
 *
 * <p>Whether the connection has become a viewer is not a state of the relay: that happens while it relays, before or
 * after one side has finished, and is what its observer reported (see {@link HandshakeRecord}).
 */
enum RelayState {
  /**
   * Accepted: the frontend gets ready (TLS, the WebSocket upgrade request) and the route is looked up. Client bytes
   * that arrive (only possible behind TLS) are parked.
   */
  OPENING,
  /** The route is known; the VNC server is being connected, then the frontend answers (a WebSocket upgrade). */
  CONNECTING,
  /** Both sides are read, and what each sends goes to the other. */
  RELAYING,
  /** The viewer's FIN was passed on to the server, whose bytes still reach the viewer for a while (half-close). */
  CLIENT_FINISHED,
  /** The server's FIN was passed on to the viewer, whose bytes still reach the server for a while (half-close). */
  SERVER_FINISHED,
  /** Closed or refused: nothing more is relayed (a side may still be draining). */
  CLOSED;

  /** The relay has started and not ended: bytes flow in at least one direction. */
  boolean relaying() {
    return this == RELAYING || this == CLIENT_FINISHED || this == SERVER_FINISHED;
  }
}
