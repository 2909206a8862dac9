package org.rfbactivity.activity.store;

import java.time.Instant;
import java.util.Objects;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;

/**
 * Insert or replace one {@code rfb_viewer} row: a change of the viewer, or its heartbeat. Columns as in the schema
 * ({@code V1__rfb_activity.sql}); instants are UTC with microsecond precision.
 *
 * @param sessionId the session
 * @param replicaId the replica that holds the viewer
 * @param viewerId the viewer
 * @param state the viewer's own state (never DISCONNECTED)
 * @param inspectable whether its stream is inspected
 * @param blindReason why it is not, or null
 * @param connectedAt when it connected
 * @param lastInputAt its newest counted input, or null before the first
 * @param lastInputKind the kind of that input, or null
 * @param activeUntil the session's newest activity known to this replica plus the active window
 * @param lastSeenAt the heartbeat
 * @param expiresAt when the row counts as gone: the heartbeat plus three persist intervals
 */
public record ViewerRow(
    String sessionId,
    String replicaId,
    String viewerId,
    ActivityState state,
    boolean inspectable,
    String blindReason,
    Instant connectedAt,
    Instant lastInputAt,
    InputKind lastInputKind,
    Instant activeUntil,
    Instant lastSeenAt,
    Instant expiresAt) {

  /**
   * Checks that the key, the state and the times are given.
   *
   * @param sessionId the session
   * @param replicaId the replica that holds the viewer
   * @param viewerId the viewer
   * @param state the viewer's own state (never DISCONNECTED)
   * @param inspectable whether its stream is inspected
   * @param blindReason why it is not, or null
   * @param connectedAt when it connected
   * @param lastInputAt its newest counted input, or null before the first
   * @param lastInputKind the kind of that input, or null
   * @param activeUntil the session's newest activity known to this replica plus the active window
   * @param lastSeenAt the heartbeat
   * @param expiresAt when the row counts as gone: the heartbeat plus three persist intervals
   */
  public ViewerRow {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(viewerId, "viewerId");
    Objects.requireNonNull(state, "state");
    if (state == ActivityState.DISCONNECTED) {
      throw new IllegalArgumentException("a connected viewer cannot be DISCONNECTED");
    }
    Objects.requireNonNull(connectedAt, "connectedAt");
    Objects.requireNonNull(activeUntil, "activeUntil");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** {@return the primary key of this row} */
  public ViewerKey key() {
    return new ViewerKey(sessionId, replicaId, viewerId);
  }
}
