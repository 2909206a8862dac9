package org.rfbactivity.activity;

/** A transition waiting for delivery; its time is still in ticker nanoseconds. */
record PendingTransition(
    String sessionId,
    ActivityState from,
    ActivityState to,
    long atNanos,
    String causeViewerId,
    InputKind causeInputKind,
    TransitionReason reason) {

  ActivityTransition toTransition(TimeBase timeBase) {
    return new ActivityTransition(sessionId, from, to, timeBase.toInstant(atNanos), causeViewerId, causeInputKind,
        reason);
  }
}
