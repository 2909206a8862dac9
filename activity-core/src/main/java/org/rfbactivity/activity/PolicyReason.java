package org.rfbactivity.activity;

/**
 * Why a policy closes a viewer (docs/architecture.md#policies). The {@link #label()} travels in the
 * {@code viewer.disconnected_by_policy} event; the embedding application maps each reason to a close of its own
 * (the proxy: WebSocket close codes 4001, 4002, 4003).
 */
public enum PolicyReason {
  /** The session had no counted input for {@link ViewerPolicy#idleDisconnect()}. */
  IDLE_TIMEOUT("idle_timeout"),
  /** The viewer has been connected for {@link ViewerPolicy#maxSessionDuration()}. */
  MAX_DURATION("max_duration"),
  /** The viewer's stream has been uninspectable (blind) for {@link ViewerPolicy#blindMaxDuration()}. */
  BLIND_MAX_DURATION("blind_max_duration");

  private final String label;

  PolicyReason(String label) {
    this.label = label;
  }

  /** {@return the reason in events and logs, e.g. {@code idle_timeout}} */
  public String label() {
    return label;
  }

  /** This reason's bit in a viewer's set of reasons already fired. */
  int bit() {
    return 1 << ordinal();
  }
}
