package org.rfbactivity.activity;

/**
 * The activity state of a session, and of a single viewer (which is never {@link #DISCONNECTED}); docs/architecture.md#activity-state.
 */
public enum ActivityState {
  /** No viewer is connected to the session. */
  DISCONNECTED,
  /** At least one viewer is connected, and there was no activity within the active window. */
  CONNECTED_IDLE,
  /** At least one viewer is connected, and there was activity within the active window. */
  ACTIVE
}
