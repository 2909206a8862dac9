package org.rfbactivity.proxy.relay;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/** Why a viewer's connection ended; the label is a log word and a metric tag (a fixed, small set). */
public enum CloseReason {
  CLIENT_CLOSED("client_closed", WebSocketCloseStatus.NORMAL_CLOSURE, false, false),
  SERVER_CLOSED("server_closed", WebSocketCloseStatus.NORMAL_CLOSURE, false, false),
  /** The viewer's connection failed (reset, TLS error, write to a dead socket). */
  CLIENT_ERROR("client_error", WebSocketCloseStatus.PROTOCOL_ERROR, true, false),
  /**
   * A WebSocket protocol violation (an oversized or unmasked frame): the viewer gets a Close frame with the
   * decoder's status (1009, 1002) and its connection is drained, so that it reads the Close frame instead of a
   * reset.
   */
  FRAME_ERROR("frame_error", WebSocketCloseStatus.PROTOCOL_ERROR, false, false),
  SERVER_ERROR("server_error", WebSocketCloseStatus.INTERNAL_SERVER_ERROR, false, true),
  /**
   * More WebSocket frames than a viewer sends (see {@code WebSocketRelayHandler}): a client flooding the proxy with
   * tiny or empty frames.
   */
  FRAME_FLOOD("frame_flood", WebSocketCloseStatus.POLICY_VIOLATION, true, false),
  /** A text WebSocket frame: RFB is binary, and a text frame means a wrong or hostile client. */
  TEXT_FRAME("text_frame", WebSocketCloseStatus.INVALID_MESSAGE_TYPE, true, false),
  HANDSHAKE_TIMEOUT("handshake_timeout", WebSocketCloseStatus.POLICY_VIOLATION, true, false),
  SHUTDOWN("shutdown", WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, false, false);

  private final String label;
  private final WebSocketCloseStatus webSocketStatus;
  private final boolean clientAtFault;
  private final boolean serverAtFault;

  CloseReason(String label, WebSocketCloseStatus webSocketStatus, boolean clientAtFault, boolean serverAtFault) {
    this.label = label;
    this.webSocketStatus = webSocketStatus;
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

  /** The status of the Close frame sent to a WebSocket viewer (unless the caller has a more precise one). */
  WebSocketCloseStatus webSocketStatus() {
    return webSocketStatus;
  }
}
