package org.rfbactivity.activity.event;

/**
 * What an {@link ActivityEvent} reports; {@link #wireName()} is its {@code type} in JSON, the SSE {@code event:}
 * field and the webhook filter's vocabulary (docs/architecture.md#events). Consumers must ignore types they do not
 * know: new ones are added without a schema change (as the policy events were, docs/architecture.md#policies).
 */
public enum EventType {
  /** A session's state changed: from, to, since when it was in {@code from}, and the cause. */
  SESSION_STATE_CHANGED("session.state_changed"),
  /** A viewer connected to the session on this replica. */
  VIEWER_OPENED("viewer.opened"),
  /** A viewer's connection ended, with the reason. */
  VIEWER_CLOSED("viewer.closed"),
  /** The session's idle disconnect is near: when it comes, and how many seconds are left. */
  SESSION_IDLE_WARNING("session.idle_warning"),
  /** A viewer's maximum duration is near: when its close comes, and how many seconds are left. */
  VIEWER_MAX_DURATION_WARNING("viewer.max_duration_warning"),
  /** A policy ended a viewer: the application is told to close it; {@code viewer.closed} follows when it has. */
  VIEWER_DISCONNECTED_BY_POLICY("viewer.disconnected_by_policy");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** {@return the name in JSON and SSE, e.g. {@code session.state_changed}} */
  public String wireName() {
    return wireName;
  }

  /**
   * {@return the type with this wire name}
   *
   * @param name a wire name, e.g. {@code viewer.opened}
   * @throws IllegalArgumentException for a name no type has
   */
  public static EventType ofWireName(String name) {
    for (EventType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown event type: " + name);
  }
}
