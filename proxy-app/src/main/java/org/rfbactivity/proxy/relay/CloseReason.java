package org.rfbactivity.proxy.relay;

/**
 * Why a viewer's connection ended; the label is a log word and a metric tag (a fixed, small set). Whether a side was
 * at fault decides how it is closed: at once, or after what it still has to say was written ({@link GracefulClose}).
 *
 * <p>The policy reasons ({@link #isPolicy()}) are the proxy's own decisions to end a viewer that did nothing wrong
 * (an operator, a session policy, a revoked token, a dead connection): each has a WebSocket close code of the
 * private-use range 4000–4999 (RFC 6455 §7.4.2) and a short reason text, which a WebSocket viewer receives in its
 * Close frame, and each is applied by {@link ViewerConnection#closeFor}. The table is in
 * docs/architecture.md#policy-closes.
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
  SHUTDOWN("shutdown", false, false),
  /** An operator closed the viewer (or its session). */
  ADMIN_DISCONNECT("admin_disconnect", 4000, "admin disconnect"),
  /** Its session was idle longer than the idle policy allows. */
  IDLE_TIMEOUT("idle_timeout", 4001, "idle timeout"),
  /** The viewer was connected longer than the session policy allows. */
  MAX_DURATION("max_duration", 4002, "max duration"),
  /** A viewer whose stream cannot be inspected was connected longer than the policy allows for one. */
  BLIND_MAX_DURATION("blind_max_duration", 4003, "blind max duration"),
  /** The token the viewer was routed by has been revoked. */
  TOKEN_REVOKED("token_revoked", 4004, "token revoked"),
  /** The token the viewer was routed by has expired. */
  TOKEN_EXPIRED("token_expired", 4005, "token expired"),
  /** The route the viewer was sent by is gone (a token file line removed, a row deleted). */
  ROUTE_REMOVED("route_removed", 4006, "route removed"),
  /** A WebSocket viewer did not answer the proxy's ping within the pong timeout: it is gone or unreachable. */
  NO_PONG("no_pong", 4007, "no pong"),
  /** A policy applies to the viewer that the proxy cannot enforce on it. */
  CANNOT_ENFORCE("cannot_enforce", 4008, "cannot enforce");

  /** {@link #wsCloseCode()} of a reason that is not a policy's. */
  static final int NO_POLICY_CODE = 0;

  private final String label;
  private final boolean clientAtFault;
  private final boolean serverAtFault;
  private final int wsCloseCode;
  private final String wsCloseText;

  CloseReason(String label, boolean clientAtFault, boolean serverAtFault) {
    this.label = label;
    this.clientAtFault = clientAtFault;
    this.serverAtFault = serverAtFault;
    this.wsCloseCode = NO_POLICY_CODE;
    this.wsCloseText = null;
  }

  /** A policy close: nobody was at fault, so both sides are drained, and the viewer is told why. */
  CloseReason(String label, int wsCloseCode, String wsCloseText) {
    this.label = label;
    this.clientAtFault = false;
    this.serverAtFault = false;
    this.wsCloseCode = wsCloseCode;
    this.wsCloseText = wsCloseText;
  }

  /** One of the proxy's own reasons to end a viewer, with its WebSocket close code and text. */
  public boolean isPolicy() {
    return wsCloseCode != NO_POLICY_CODE;
  }

  /** The close code a WebSocket viewer closed for this policy reason receives (4000–4008); 0 for other reasons. */
  public int wsCloseCode() {
    return wsCloseCode;
  }

  /** The reason text of that Close frame ({@code idle timeout}); null for reasons that are not a policy's. */
  public String wsCloseText() {
    return wsCloseText;
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
