package org.rfbactivity.activity;

import org.rfbactivity.activity.event.ActivityEvent;

/** A transition waiting for delivery; its times are still in ticker nanoseconds. */
record PendingTransition(
    String sessionId,
    ActivityState from,
    ActivityState to,
    long fromSinceNanos,
    long atNanos,
    String causeViewerId,
    InputKind causeInputKind,
    TransitionReason reason) implements PendingEvent {

  ActivityTransition toTransition(TimeBase timeBase) {
    return new ActivityTransition(sessionId, from, to, timeBase.toInstant(atNanos), causeViewerId, causeInputKind,
        reason);
  }

  @Override
  public ActivityEvent toEvent(String id, TimeBase timeBase, String replicaId) {
    return ActivityEvent.stateChanged(id, timeBase.toInstant(atNanos), replicaId, sessionId, from, to,
        timeBase.toInstant(fromSinceNanos), causeViewerId, causeInputKind, reason.name());
  }
}
