package org.rfbactivity.proxy.backend;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/** Why a viewer's connection ended; the label is a log word and a metric tag (a fixed, small set). */
public enum CloseReason {
  CLIENT_CLOSED("client_closed", WebSocketCloseStatus.NORMAL_CLOSURE),
  SERVER_CLOSED("server_closed", WebSocketCloseStatus.NORMAL_CLOSURE),
  CLIENT_ERROR("client_error", WebSocketCloseStatus.PROTOCOL_ERROR),
  SERVER_ERROR("server_error", WebSocketCloseStatus.INTERNAL_SERVER_ERROR),
  /** A text WebSocket frame: RFB is binary, and a text frame means a wrong or hostile client. */
  TEXT_FRAME("text_frame", WebSocketCloseStatus.INVALID_MESSAGE_TYPE),
  HANDSHAKE_TIMEOUT("handshake_timeout", WebSocketCloseStatus.POLICY_VIOLATION),
  SHUTDOWN("shutdown", WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);

  private final String label;
  private final WebSocketCloseStatus webSocketStatus;

  CloseReason(String label, WebSocketCloseStatus webSocketStatus) {
    this.label = label;
    this.webSocketStatus = webSocketStatus;
  }

  public String label() {
    return label;
  }

  WebSocketCloseStatus webSocketStatus() {
    return webSocketStatus;
  }
}
