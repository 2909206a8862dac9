package org.rfbactivity.proxy.relay;

/**
 * Which listener a viewer came through; its label is a log word and a metric tag (a fixed, small set). How each kind
 * carries bytes and closes a viewer is its {@link FrontendProtocol}, in its own package.
 */
public enum FrontendKind {
  /** Raw TCP (or TLS-wrapped RFB): native viewers. */
  TCP("tcp"),
  /** WebSocket: noVNC and websockify-style clients. */
  WEBSOCKET("ws");

  private final String label;

  FrontendKind(String label) {
    this.label = label;
  }

  /** {@code tcp} or {@code ws}: used in logs and as a metric tag. */
  public String label() {
    return label;
  }
}
