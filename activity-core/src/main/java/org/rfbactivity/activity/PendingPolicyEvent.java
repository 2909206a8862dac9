package org.rfbactivity.activity;

import java.time.Duration;
import org.rfbactivity.activity.event.ActivityEvent;

/**
 * A policy's warning or close, waiting for the flusher (docs/architecture.md#policies); times in ticker nanoseconds.
 *
 * @param viewerId          null for the session's idle warning
 * @param reason            the close's reason, null for a warning
 * @param disconnectAtNanos when the warned close comes; {@link SessionSlot#NONE} for a close
 */
record PendingPolicyEvent(String sessionId, String viewerId, PolicyReason reason, boolean warning, long atNanos,
    long disconnectAtNanos, long limitNanos) implements PendingEvent {

  static PendingPolicyEvent idleWarning(String sessionId, long at, long disconnectAt, long limit) {
    return new PendingPolicyEvent(sessionId, null, PolicyReason.IDLE_TIMEOUT, true, at, disconnectAt, limit);
  }

  static PendingPolicyEvent durationWarning(String sessionId, String viewerId, long at, long disconnectAt,
      long limit) {
    return new PendingPolicyEvent(sessionId, viewerId, PolicyReason.MAX_DURATION, true, at, disconnectAt, limit);
  }

  static PendingPolicyEvent close(String sessionId, String viewerId, PolicyReason reason, long at, long limit) {
    return new PendingPolicyEvent(sessionId, viewerId, reason, false, at, SessionSlot.NONE, limit);
  }

  @Override
  public ActivityEvent toEvent(String id, TimeBase timeBase, String replicaId) {
    Duration limit = Duration.ofNanos(limitNanos);
    if (!warning) {
      return ActivityEvent.disconnectedByPolicy(id, timeBase.toInstant(atNanos), replicaId, sessionId, viewerId,
          reason.label(), limit);
    }
    return viewerId == null
        ? ActivityEvent.idleWarning(id, timeBase.toInstant(atNanos), replicaId, sessionId,
            timeBase.toInstant(disconnectAtNanos), limit)
        : ActivityEvent.maxDurationWarning(id, timeBase.toInstant(atNanos), replicaId, sessionId, viewerId,
            timeBase.toInstant(disconnectAtNanos), limit);
  }
}
