package org.rfbactivity.activity;

/**
 * What a tracker remembers of a session it no longer holds (no viewer, everything written), so that the session
 * still answers DISCONNECTED with its times and resumes them when a viewer returns. Times in ticker nanoseconds,
 * {@link SessionSlot#NONE} when unknown.
 */
record SessionHistory(
    long stateSinceNanos,
    long lastActivityNanos,
    String lastActivityViewerId,
    InputKind lastActivityKind,
    long lastInputNanos,
    InputKind lastInputKind,
    long lastConnectNanos,
    long lastDisconnectNanos,
    TransitionCause cause,
    long[] inputCounts,
    String lastCloseReason) {

  /** A session declared known (e.g. a configured route) that has had no viewer yet: DISCONNECTED since then. */
  static SessionHistory declared(long nowNanos) {
    return new SessionHistory(nowNanos, SessionSlot.NONE, null, null, SessionSlot.NONE, null, SessionSlot.NONE,
        SessionSlot.NONE, null, new long[InputKind.COUNT], null);
  }
}
