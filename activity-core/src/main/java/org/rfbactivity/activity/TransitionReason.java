package org.rfbactivity.activity;

/** Why a session changed state; part of every {@link ActivityTransition}. */
public enum TransitionReason {
  /** A viewer connected. Opening counts as activity (the user just acted). */
  VIEWER_OPENED,
  /** A counted input arrived after the session had been idle. */
  INPUT,
  /** The active window elapsed since the newest activity. */
  WINDOW_ELAPSED,
  /** The last viewer disconnected (or the tracker closed). */
  VIEWER_CLOSED
}
