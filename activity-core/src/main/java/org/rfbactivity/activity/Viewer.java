package org.rfbactivity.activity;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;

/**
 * Handle for one viewer connection, returned by {@link ActivityTracker#viewerOpened}; pass it back to
 * {@link ActivityTracker#input}, {@link ActivityTracker#inspectionLost}, {@link ActivityTracker#viewerAttribute} and
 * {@link ActivityTracker#viewerClosed}.
 *
 * <p>Threading: intake for one viewer is expected from one thread at a time (one connection is served by one event
 * loop). Its input fields are single-writer: written with release (or opaque) semantics by that thread and read
 * with acquire semantics by the flusher and snapshots, so the hot path needs no lock, CAS or allocation. Everything
 * else about a viewer is guarded by its session's lock.
 */
public final class Viewer {

  private static final VarHandle LAST_ACTIVITY;
  private static final VarHandle BURST_START;
  private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      LAST_ACTIVITY = lookup.findVarHandle(Viewer.class, "lastActivityNanos", long.class);
      BURST_START = lookup.findVarHandle(Viewer.class, "burstStartNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final SessionSlot session;
  private final String viewerId;
  private final long openedNanos;

  // Written by the intake thread only.
  @SuppressWarnings("unused") // through LAST_ACTIVITY
  private long lastActivityNanos;
  // Input kinds as ordinals (-1: none), not references: a reference store into an old object costs a GC write
  // barrier (G1 dirties and queues its card), which measurably slowed input() with many viewers
  // (TrackerInputBenchmark). Ints never tear; they are published by the release store of lastActivityNanos. Longs
  // other than that one go through VarHandles (opaque at least) because plain longs may tear (JLS 17.7).
  private int lastInputKind = -1;
  @SuppressWarnings("unused") // through BURST_START
  private long burstStartNanos;
  private int burstStartKind = -1;
  private final long[] counts = new long[InputKind.COUNT];

  /** Set by {@code viewerClosed} (or for a handle that was never attached); input is then ignored. */
  private volatile boolean closed;

  /** The policy this viewer follows: the global one made stricter by the one given at open. */
  private final ViewerPolicy policy;

  // Guarded by the session's lock.
  private boolean blind;
  private String blindReason;
  /** When the viewer went blind (or opened blind); {@link SessionSlot#NONE} while inspectable. */
  private long blindSinceNanos = SessionSlot.NONE;
  /** {@link PolicyReason#bit()}s of the closes already asked for: each at most once. */
  private int policyFired;
  private boolean durationWarned;
  private Map<String, String> attributes;

  // Owned by the flusher thread.
  private final long[] reportedCounts = new long[InputKind.COUNT];
  private boolean rowWritten;

  Viewer(SessionSlot session, String viewerId, long openedNanos, boolean inspectable,
      Map<String, String> attributes, ViewerPolicy policy) {
    this.session = session;
    this.viewerId = viewerId;
    this.openedNanos = openedNanos;
    this.lastActivityNanos = openedNanos;
    this.burstStartNanos = openedNanos;
    this.policy = policy;
    this.blind = !inspectable;
    if (!inspectable) {
      this.blindSinceNanos = openedNanos;
    }
    this.attributes = attributes;
    this.closed = session == null;
  }

  /** A handle that belongs to no session: what intake returns when it refuses an open. All intake ignores it. */
  static Viewer detached(String viewerId) {
    return new Viewer(null, viewerId, 0L, true, Map.of(), ViewerPolicy.NONE);
  }

  /** {@return the session id given at open, or {@code null} for a refused open} */
  public String sessionId() {
    return session == null ? null : session.sessionId();
  }

  /** {@return the viewer id given at open} */
  public String viewerId() {
    return viewerId;
  }

  @Override
  public String toString() {
    return "Viewer[" + sessionId() + "/" + viewerId + (closed ? ", closed" : "") + "]";
  }

  // ---- hot path: intake thread ----

  /**
   * Records one input: O(1), no allocation, no lock. A counted input that follows a gap of at least the active
   * window starts a new burst; the flusher reports the burst start as the time the viewer became active.
   */
  void recordInput(InputKind kind, boolean counted, Ticker ticker, long activeWindowNanos) {
    if (closed) {
      return;
    }
    int i = kind.ordinal();
    COUNTS.setOpaque(counts, i, counts[i] + 1L);
    if (!counted) {
      return;
    }
    long now = ticker.read();
    if (now - lastActivityNanos >= activeWindowNanos) {
      BURST_START.setOpaque(this, now);
      burstStartKind = i;
    }
    lastInputKind = i;
    // Release: the flusher that sees this time also sees the kind and burst written before it.
    LAST_ACTIVITY.setRelease(this, now);
  }

  // ---- readers: any thread ----

  SessionSlot session() {
    return session;
  }

  long openedNanos() {
    return openedNanos;
  }

  /** Newest counted input, or the open if none yet. */
  long lastActivityNanos() {
    return (long) LAST_ACTIVITY.getAcquire(this);
  }

  /** Kind of the newest counted input, {@code null} if none yet. Read after {@link #lastActivityNanos()}. */
  InputKind lastInputKind() {
    int kind = lastInputKind;
    return kind < 0 ? null : InputKind.ofOrdinal(kind);
  }

  long burstStartNanos() {
    return (long) BURST_START.getOpaque(this);
  }

  /** {@code null} when the burst started with the open. */
  InputKind burstStartKind() {
    int kind = burstStartKind;
    return kind < 0 ? null : InputKind.ofOrdinal(kind);
  }

  long count(int ordinal) {
    return (long) COUNTS.getOpaque(counts, ordinal);
  }

  // ---- guarded by the session's lock ----

  void markClosed() {
    closed = true;
  }

  boolean blind() {
    return blind;
  }

  String blindReason() {
    return blindReason;
  }

  void markBlind(String reason, long now) {
    if (!blind) {
      blindSinceNanos = now;
    }
    blind = true;
    blindReason = reason;
  }

  long blindSinceNanos() {
    return blindSinceNanos;
  }

  ViewerPolicy policy() {
    return policy;
  }

  boolean policyFired(PolicyReason reason) {
    return (policyFired & reason.bit()) != 0;
  }

  /** Whether any policy already asked for this viewer's close. */
  boolean policyFired() {
    return policyFired != 0;
  }

  void markPolicyFired(PolicyReason reason) {
    policyFired |= reason.bit();
  }

  boolean durationWarned() {
    return durationWarned;
  }

  void markDurationWarned() {
    durationWarned = true;
  }

  Map<String, String> attributes() {
    return attributes;
  }

  void attributes(Map<String, String> attributes) {
    this.attributes = attributes;
  }

  // ---- flusher thread ----

  /** Inputs of this kind not yet reported to metrics; marks them reported. */
  long takeUnreportedCount(int ordinal) {
    long now = count(ordinal);
    long delta = now - reportedCounts[ordinal];
    reportedCounts[ordinal] = now;
    return delta;
  }

  boolean rowWritten() {
    return rowWritten;
  }

  void markRowWritten() {
    rowWritten = true;
  }
}
