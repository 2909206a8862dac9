package org.rfbactivity.activity;

import java.util.ArrayList;
import java.util.List;

/** Counters one flush tick gathers while it walks the sessions (flusher thread only). */
final class TickStats {
  final long[] inputs = new long[InputKind.COUNT];
  int pendingSessions;
  final List<SessionSlot> retired = new ArrayList<>();
  /** Closes the policies decided, for the {@link ViewerCloser} once no session lock is held. */
  final List<PolicyClose> closes = new ArrayList<>();
}
