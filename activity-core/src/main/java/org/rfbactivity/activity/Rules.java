package org.rfbactivity.activity;

/** The settings session evaluation needs, in nanoseconds and bits. Immutable. */
final class Rules {

  final long activeWindowNanos;
  final long persistIntervalNanos;
  /** A viewer row counts as gone this long after its heartbeat: 3 × persistInterval (docs/architecture.md#persistence). */
  final long viewerExpiryNanos;
  final String replicaId;
  final TransitionQueue transitions;
  /** The held sessions per state, moved at the choke point (not a setting: shared with every slot like the queue). */
  final SessionCounts counts = new SessionCounts();
  /** The global policy; each viewer follows it made stricter by its own (docs/architecture.md#policies). */
  final ViewerPolicy policy;
  private final int countedMask;

  Rules(ActivityConfig config, TransitionQueue transitions) {
    this.activeWindowNanos = config.activeWindow().toNanos();
    this.persistIntervalNanos = config.persistInterval().toNanos();
    this.viewerExpiryNanos = 3 * persistIntervalNanos;
    this.replicaId = config.replicaId();
    this.transitions = transitions;
    this.policy = config.policy();
    this.countedMask = maskOf(config);
  }

  boolean counted(InputKind kind) {
    return (countedMask & (1 << kind.ordinal())) != 0;
  }

  boolean counted(int ordinal) {
    return (countedMask & (1 << ordinal)) != 0;
  }

  /** Active during {@code [activity, activity + activeWindow)}. */
  boolean activeAt(long activityNanos, long nowNanos) {
    return activityNanos != SessionSlot.NONE && nowNanos - activityNanos < activeWindowNanos;
  }

  private static int maskOf(ActivityConfig config) {
    int mask = 0;
    for (InputKind kind : InputKind.values()) {
      if (config.counts(kind)) {
        mask |= 1 << kind.ordinal();
      }
    }
    return mask;
  }
}
