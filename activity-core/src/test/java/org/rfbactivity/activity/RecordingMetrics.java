package org.rfbactivity.activity;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/** Sums what the tracker reports (single-threaded use: the flusher, or a test thread). */
final class RecordingMetrics implements ActivityMetrics {

  final Map<InputKind, Long> inputs = new EnumMap<>(InputKind.class);
  final Map<String, Long> transitions = new TreeMap<>();
  final Map<String, Long> storeErrors = new TreeMap<>();
  final Map<String, Long> blind = new TreeMap<>();
  long sessionRows;
  long viewerRows;
  long suppressed;
  long flushes;
  long failedFlushes;

  @Override
  public synchronized void inputs(InputKind kind, long count) {
    inputs.merge(kind, count, Long::sum);
  }

  @Override
  public synchronized void transition(ActivityState from, ActivityState to) {
    transitions.merge(from + "->" + to, 1L, Long::sum);
  }

  @Override
  public synchronized void rowsWritten(long sessionRows, long viewerRows) {
    this.sessionRows += sessionRows;
    this.viewerRows += viewerRows;
  }

  @Override
  public synchronized void writesSuppressed(long count) {
    suppressed += count;
  }

  @Override
  public synchronized void flushCompleted(long durationNanos, boolean storeWriteSucceeded) {
    flushes++;
    if (!storeWriteSucceeded) {
      failedFlushes++;
    }
  }

  @Override
  public synchronized void storeError(String errorClass) {
    storeErrors.merge(errorClass, 1L, Long::sum);
  }

  @Override
  public synchronized void blindViewer(String reason) {
    blind.merge(reason, 1L, Long::sum);
  }
}
