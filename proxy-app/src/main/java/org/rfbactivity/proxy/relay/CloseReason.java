package org.rfbactivity.proxy.relay;

/**
 * Why a viewer's connection ended; the label is a log word and a metric tag (a fixed, small set). Whether a side was
 * at fault decides how it is closed: at once, or after what it still has to say was written ({@link GracefulClose}).
 */
public enum CloseReason {
  CLIENT_CLOSED("client_closed", false, false),
  SERVER_CLOSED("server_closed", false, false),
  /** The viewer's connection failed (reset, TLS error, write to a dead socket). */
  CLIENT_ERROR("client_error", true, false),
  /**
   * A WebSocket protocol violation (an oversized or unmasked frame): the viewer gets a Close frame with the
   * decoder's status (1009, 1002) and its connection is drained, so that it reads the Close frame instead of a
   * reset.
   */
  FRAME_ERROR("frame_error", false, false),
  SERVER_ERROR("server_error", false, true),
  /**
   * More WebSocket frames than a viewer sends (see {@code WebSocketRelayHandler}): a client flooding the proxy with
   * tiny or empty frames.
   */
  FRAME_FLOOD("frame_flood", true, false),
  /** A text WebSocket frame: RFB is binary, and a text frame means a wrong or hostile client. */
  TEXT_FRAME("text_frame", true, false),
  HANDSHAKE_TIMEOUT("handshake_timeout", true, false),
  SHUTDOWN("shutdown", false, false);

  private final String label;
  private final boolean clientAtFault;
  private final boolean serverAtFault;

  CloseReason(String label, boolean clientAtFault, boolean serverAtFault) {
    this.label = label;
    this.clientAtFault = clientAtFault;
    this.serverAtFault = serverAtFault;
  }

  /** The viewer misbehaved or failed: its connection is closed at once, not drained. */
  boolean clientAtFault() {
    return clientAtFault;
  }

  /** The VNC server's connection failed: it is closed at once, not drained. */
  boolean serverAtFault() {
    return serverAtFault;
  }

  public String label() {
    return label;
  }
}
