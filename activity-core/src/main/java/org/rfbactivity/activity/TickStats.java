package org.rfbactivity.activity;

import java.util.ArrayList;
import java.util.List;

/** Counters one flush tick gathers while it walks the sessions (flusher thread only). */
final class TickStats {
  final long[] inputs = new long[InputKind.COUNT];
  int pendingSessions;
  final List<SessionSlot> retired = new ArrayList<>();
}
