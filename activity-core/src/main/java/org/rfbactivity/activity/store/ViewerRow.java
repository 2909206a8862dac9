package org.rfbactivity.activity.store;

import java.time.Instant;
import java.util.Objects;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;

/**
 * Insert or replace one {@code rfb_viewer} row: a change of the viewer, or its heartbeat. Columns as in the schema
 * ({@code V1__rfb_activity.sql}); instants are UTC with microsecond precision.
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

  /** The primary key of this row. */
  public ViewerKey key() {
    return new ViewerKey(sessionId, replicaId, viewerId);
  }
}
