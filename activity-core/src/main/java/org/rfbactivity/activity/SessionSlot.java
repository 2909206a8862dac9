package org.rfbactivity.activity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.BoundedText;
import org.rfbactivity.activity.store.SessionActivityRow;
import org.rfbactivity.activity.store.ViewerKey;
import org.rfbactivity.activity.store.ViewerRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session: its viewers, its state, and what of it has been written. Every state change goes through
 * {@link #transition}, the one choke point (docs/style.md#one-choke-point-for-state-changes).
 *
 * <p>The state is a function of (live viewers, newest activity, now): DISCONNECTED without viewers; otherwise ACTIVE
 * while {@code now < newest activity + activeWindow}; otherwise CONNECTED_IDLE. A blind viewer's activity is its
 * counted {@link InputKind#BLIND_TRAFFIC} like any other input (see {@link BlindPolicy}).
 * The newest activity covers opens and counted inputs of every viewer the session had, including ones that closed
 * since: closing a viewer never makes a session look idle sooner than its last input says.
 *
 * <p>Locking: everything but the flusher-owned write bookkeeping is guarded by this object's monitor. Intake takes it
 * only for opens, closes, inspection losses and attributes, never for input (which writes {@link Viewer}'s
 * single-writer fields). Nothing is done under the lock but arithmetic and queueing: no I/O, no listener calls.
 *
 * <p>It is longer than most classes here because everything that reads or writes the session's state under its
 * monitor is in it (intake, evaluation, snapshot, the flusher's write and its acknowledgement); split, the locking rule
 * would have to be kept across files.
 */
final class SessionSlot {

  private static final Logger LOG = LoggerFactory.getLogger(SessionSlot.class);

  /** Close reason of a viewer closed by {@link #closeAll}: the tracker is closing. */
  static final String TRACKER_CLOSED = "tracker_closed";
  /** Close reason of a viewer replaced by a second open under its id. */
  static final String REPLACED = "replaced";

  /** "No time": no activity yet. Below every real time, so {@code t > NONE} for any time and {@code NONE > t} never. */
  static final long NONE = Long.MIN_VALUE;

  private final String sessionId;

  // ---- guarded by this ----
  private final List<Viewer> viewers = new ArrayList<>(2);
  /**
   * Closed viewers until the next tick has reported their inputs and, if their row was written, its deletion is
   * committed. Bounded through an outage by the viewers whose rows were written before it.
   */
  private final List<Viewer> closedViewers = new ArrayList<>(1);
  private ActivityState state = ActivityState.DISCONNECTED;
  private long stateSinceNanos;
  /** Newest time this session was evaluated at; callers' clocks are raised to it, so evaluation never goes back. */
  private long evaluatedNanos;
  private long closedActivityNanos = NONE;
  private String closedActivityViewerId;
  private InputKind closedActivityKind;
  private long closedInputNanos = NONE;
  private InputKind closedInputKind;
  private final long[] closedCounts = new long[InputKind.COUNT];
  private long lastConnectNanos = NONE;
  private long lastDisconnectNanos = NONE;
  /** Why the newest viewer close happened, as the application said ({@code client_closed}, {@code idle_timeout}). */
  private String lastCloseReason;
  /** Newest counted input of this session's viewers on other replicas ({@link #othersInput}); NONE if none known. */
  private long othersInputNanos = NONE;
  /** The cause of the newest transition; null before the first. */
  private TransitionCause cause;
  /** Incremented by every change that must reach the store at the next tick. */
  private int changeSeq;
  /** Set when the flusher drops this slot; an open racing with that retries on a fresh slot. */
  private boolean retired;
  /** Events this slot queued so far; each event's ordinal ({@link #offer}). */
  private long offeredEvents;
  /**
   * {@link #offeredEvents} when the flusher last collected: the rows of that collect reflect every event up to it,
   * and a later event waits for the next collect (docs/architecture.md#events).
   */
  private long collectedEvents;
  /**
   * When the current viewers' period began: the open that found no viewers (or only viewers already told to close
   * for idleness). Idle time counts from here when no counted input came since.
   */
  private long periodStartNanos = NONE;
  /** The session's idle limits: the strictest of its viewers' policies. */
  private ViewerPolicy idlePolicy = ViewerPolicy.NONE;
  /** The idle period ({@link #idleSince}) that was warned of; {@link #NONE} if none. */
  private long warnedIdleSinceNanos = NONE;
  /**
   * No policy can be due before this (docs/architecture.md#policies). Input only postpones idle deadlines and every
   * other deadline is fixed at open or blindness, so a tick with nothing due costs one comparison per session;
   * opens, closes and blindness reset it to "evaluate at the next tick". Written under the lock, read without it by
   * {@link #policyDue}.
   */
  private volatile long policyDueNanos = Long.MAX_VALUE;

  // ---- flusher thread only ----
  private int writtenSeq;
  private long writtenActivityNanos = NONE;
  private long lastWriteNanos;
  /** Counted inputs since the last committed {@code last_activity} raise: the next raise covers them. */
  private long inputsSinceRaise;

  /** A slot for a session, resuming what the tracker remembered of it ({@code history}, may be null). */
  SessionSlot(String sessionId, long createdNanos, SessionHistory history) {
    this.sessionId = sessionId;
    this.stateSinceNanos = createdNanos;
    this.evaluatedNanos = createdNanos;
    this.lastWriteNanos = createdNanos;
    if (history != null) {
      stateSinceNanos = Math.min(history.stateSinceNanos(), createdNanos);
      closedActivityNanos = history.lastActivityNanos();
      closedActivityViewerId = history.lastActivityViewerId();
      closedActivityKind = history.lastActivityKind();
      closedInputNanos = history.lastInputNanos();
      closedInputKind = history.lastInputKind();
      lastConnectNanos = history.lastConnectNanos();
      lastDisconnectNanos = history.lastDisconnectNanos();
      lastCloseReason = history.lastCloseReason();
      cause = history.cause();
      System.arraycopy(history.inputCounts(), 0, closedCounts, 0, InputKind.COUNT);
      // Already written by the slot that remembered it: nothing to raise again.
      writtenActivityNanos = history.lastActivityNanos();
    }
  }

  String sessionId() {
    return sessionId;
  }

  // ---- intake (event loops; not the input hot path) ----

  /**
   * Adds a viewer; {@code null} if this slot was retired meanwhile (the caller retries on a new slot).
   *
   * @param blindReason why a viewer that is not inspectable is blind, or null (none given, or inspectable)
   */
  synchronized Viewer open(String viewerId, boolean inspectable, String blindReason, Map<String, String> attributes,
      ViewerPolicy policy, long now, Rules rules) {
    if (retired) {
      return null;
    }
    now = advanceTo(now);
    evaluate(now, rules);
    Viewer previous = find(viewerId);
    Viewer viewer = new Viewer(this, viewerId, now, inspectable, attributes, policy);
    if (!inspectable) {
      viewer.markBlind(blindReason, now);
    }
    if (allToldToCloseForIdleness()) {
      // A new period: the viewers left are on their way out, and the newcomer must not inherit their idle time.
      periodStartNanos = now;
      warnedIdleSinceNanos = NONE;
    }
    viewers.add(viewer);
    policiesChanged();
    changeSeq++;
    lastConnectNanos = now;
    offer(rules, new PendingViewerEvent(sessionId, viewerId, true, now, null));
    // Opening counts as activity: the user just acted. Before a replaced connection is closed, whose evaluation
    // would otherwise report this open's activity as input.
    transition(ActivityState.ACTIVE, now, now, viewerId, null, TransitionReason.VIEWER_OPENED, rules);
    if (previous != null) {
      // Ids come from the caller; a second open under a live id means the first connection's close was lost.
      // The new connection replaces it (added first, so the session is never seen without viewers).
      LOG.warn("{} - viewer {} of session {} opened again; the previous connection is closed", rules.replicaId,
          viewerId, sessionId);
      closeLocked(previous, now, rules, REPLACED);
    }
    return viewer;
  }

  /** Removes a viewer; nothing if it was not connected (closed twice). */
  synchronized void close(Viewer viewer, long now, Rules rules, String reason) {
    if (!viewers.contains(viewer)) {
      return;
    }
    now = advanceTo(now);
    // Evaluate with the viewer still present, so input it sent just before closing is attributed to it.
    evaluate(now, rules);
    closeLocked(viewer, now, rules, reason);
  }

  /** Closes every viewer (the tracker is closing). */
  synchronized void closeAll(long now, Rules rules) {
    now = advanceTo(now);
    evaluate(now, rules);
    while (!viewers.isEmpty()) {
      closeLocked(viewers.get(viewers.size() - 1), now, rules, TRACKER_CLOSED);
    }
  }

  /**
   * Marks a viewer blind, keeping the first reason given (a viewer opened as not inspectable, or made blind without a
   * reason, may still receive one).
   *
   * @return whether the viewer became blind now; {@code false} if it is not connected or was already blind
   */
  synchronized boolean inspectionLost(Viewer viewer, String reason, long now, Rules rules) {
    if (!viewers.contains(viewer) || (viewer.blind() && (viewer.blindReason() != null || reason == null))) {
      return false;
    }
    boolean becameBlind = !viewer.blind();
    now = advanceTo(now);
    evaluate(now, rules);
    viewer.markBlind(reason, now);
    changeSeq++;
    policiesChanged();
    return becameBlind;
  }

  synchronized void attribute(Viewer viewer, String key, String value) {
    if (viewers.contains(viewer)) {
      viewer.attributes(Attributes.with(viewer.attributes(), key, value));
    }
  }

  // ---- evaluation ----

  private void closeLocked(Viewer viewer, long now, Rules rules, String reason) {
    viewers.remove(viewer);
    policiesChanged();
    lastDisconnectNanos = now;
    lastCloseReason = reason == null ? null : BoundedText.of(reason, ActivityEvent.MAX_REASON_LENGTH);
    offer(rules, new PendingViewerEvent(sessionId, viewer.viewerId(), false, now, reason));
    viewer.markClosed();
    long last = viewer.lastActivityNanos();
    InputKind kind = viewer.lastInputKind();
    if (closedActivityNanos == NONE || last > closedActivityNanos) {
      closedActivityNanos = last;
      closedActivityViewerId = viewer.viewerId();
      closedActivityKind = kind;
    }
    if (kind != null && (closedInputNanos == NONE || last > closedInputNanos)) {
      closedInputNanos = last;
      closedInputKind = kind;
    }
    for (int i = 0; i < InputKind.COUNT; i++) {
      closedCounts[i] += viewer.count(i);
    }
    closedViewers.add(viewer);
    changeSeq++;
    if (viewers.isEmpty()) {
      transition(ActivityState.DISCONNECTED, now, now, viewer.viewerId(), null, TransitionReason.VIEWER_CLOSED,
          rules);
    } else {
      evaluate(now, rules);
    }
  }

  // ---- policies (docs/architecture.md#policies) ----

  /** Whether there are viewers and every one was told to close for idleness (or there are none). */
  private boolean allToldToCloseForIdleness() {
    for (Viewer viewer : viewers) {
      if (!viewer.policyFired(PolicyReason.IDLE_TIMEOUT)) {
        return false;
      }
    }
    return true;
  }

  /** The viewers changed: the idle limits are recomputed and the next tick evaluates every policy. */
  private void policiesChanged() {
    ViewerPolicy idle = ViewerPolicy.NONE;
    for (Viewer viewer : viewers) {
      idle = idle.stricter(viewer.policy());
    }
    idlePolicy = idle;
    policyDueNanos = Long.MIN_VALUE;
  }

  /**
   * Since when the session is idle for the idle policy: its newest counted input (of any viewer, also closed ones;
   * NOISE and other uncounted kinds never count), or the start of its viewers' period if that is later.
   */
  private long idleSince() {
    long since = Math.max(Math.max(periodStartNanos, closedInputNanos), othersInputNanos);
    for (Viewer viewer : viewers) {
      long last = viewer.lastActivityNanos();
      // Read after the time: a kind means the viewer had counted input, so its time is no longer the open.
      if (viewer.lastInputKind() != null && last > since) {
        since = last;
      }
    }
    return since;
  }

  /** Whether an idle policy applies, so that other replicas' input matters to this session. */
  synchronized boolean idleWatched() {
    return idlePolicy.idleDisconnectNanos() != 0;
  }

  /**
   * Counted input of this session's viewers on other replicas, as the store last read it (flusher thread, after a
   * write): it postpones the idle policy as this replica's own input does (docs/architecture.md#policies).
   */
  synchronized void othersInput(long nanos) {
    if (nanos > othersInputNanos) {
      othersInputNanos = nanos;
    }
  }

  /** Whether a policy may be due at {@code now}; without the lock, so a tick with nothing due takes none. */
  boolean policyDue(long now) {
    return now >= policyDueNanos;
  }

  /** No policy of this session can be due before this ({@link Long#MAX_VALUE}: none pending). */
  long policyDueNanos() {
    return policyDueNanos;
  }

  /**
   * Warns and closes what is due at {@code now} (flusher thread, before it collects the writes, so that a close the
   * application makes at once is written in the same tick); closes are added to {@code closes}, for the
   * {@link ViewerCloser} to be called outside the lock. Precision: the first tick at or after a deadline.
   */
  synchronized void applyPolicies(long now, Rules rules, List<PolicyClose> closes) {
    if (viewers.isEmpty() || now < policyDueNanos) {
      return;
    }
    now = advanceTo(now);
    // The state first, so that a transition due at this tick is queued before the policy's events.
    evaluate(now, rules);
    long next = Long.MAX_VALUE;
    long idleLimit = idlePolicy.idleDisconnectNanos();
    if (idleLimit != 0 && !allToldToCloseForIdleness()) {
      long since = idleSince();
      long deadline = since + idleLimit;
      long lead = idlePolicy.idleWarningNanos();
      if (lead != 0 && warnedIdleSinceNanos != since) {
        if (now >= deadline - lead) {
          warnedIdleSinceNanos = since;
          offer(rules, PendingPolicyEvent.idleWarning(sessionId, now, deadline, idleLimit));
        } else {
          next = Math.min(next, deadline - lead);
        }
      }
      if (now >= deadline) {
        for (Viewer viewer : viewers) {
          fire(viewer, PolicyReason.IDLE_TIMEOUT, idleLimit, now, rules, closes);
        }
      } else {
        next = Math.min(next, deadline);
      }
    }
    for (Viewer viewer : viewers) {
      ViewerPolicy policy = viewer.policy();
      long maxDuration = policy.maxSessionDurationNanos();
      if (maxDuration != 0 && !viewer.policyFired(PolicyReason.MAX_DURATION)) {
        long deadline = viewer.openedNanos() + maxDuration;
        long lead = policy.maxDurationWarningNanos();
        // A viewer already told to close is not warned of another close.
        if (lead != 0 && !viewer.durationWarned() && !viewer.policyFired()) {
          if (now >= deadline - lead) {
            viewer.markDurationWarned();
            offer(rules, PendingPolicyEvent.durationWarning(sessionId, viewer.viewerId(), now, deadline,
                maxDuration));
          } else {
            next = Math.min(next, deadline - lead);
          }
        }
        if (now >= deadline) {
          fire(viewer, PolicyReason.MAX_DURATION, maxDuration, now, rules, closes);
        } else {
          next = Math.min(next, deadline);
        }
      }
      long blindMax = policy.blindMaxDurationNanos();
      if (blindMax != 0 && viewer.blind() && !viewer.policyFired(PolicyReason.BLIND_MAX_DURATION)) {
        long deadline = viewer.blindSinceNanos() + blindMax;
        if (now >= deadline) {
          fire(viewer, PolicyReason.BLIND_MAX_DURATION, blindMax, now, rules, closes);
        } else {
          next = Math.min(next, deadline);
        }
      }
    }
    policyDueNanos = next;
  }

  /** Asks once per viewer and reason: the event now, the application's close after the lock is released. */
  private void fire(Viewer viewer, PolicyReason reason, long limit, long now, Rules rules, List<PolicyClose> closes) {
    if (viewer.policyFired(reason)) {
      return;
    }
    viewer.markPolicyFired(reason);
    offer(rules, PendingPolicyEvent.close(sessionId, viewer.viewerId(), reason, now, limit));
    closes.add(new PolicyClose(viewer, reason));
  }

  /** Brings the state up to date with {@code now}; the only place idle and active are decided. */
  private void evaluate(long now, Rules rules) {
    if (viewers.isEmpty()) {
      return;
    }
    Activity newest = newestActivity();
    if (rules.activeAt(newest.nanos, now)) {
      if (state != ActivityState.ACTIVE) {
        activate(newest, now, rules);
      }
    } else if (state != ActivityState.CONNECTED_IDLE) {
      transition(ActivityState.CONNECTED_IDLE, newest.nanos + rules.activeWindowNanos, now, newest.viewerId,
          newest.kind, TransitionReason.WINDOW_ELAPSED, rules);
    }
  }

  /**
   * Idle to active. The cause is the viewer whose current burst of input started first: a viewer idle for a whole
   * window starts a burst with its next input, and every viewer of an idle session is idle.
   */
  private void activate(Activity newest, long now, Rules rules) {
    Viewer cause = null;
    long at = NONE;
    for (Viewer viewer : viewers) {
      if (rules.activeAt(viewer.lastActivityNanos(), now)) {
        long burst = viewer.burstStartNanos();
        if (cause == null || burst < at) {
          cause = viewer;
          at = burst;
        }
      }
    }
    if (cause != null) {
      transition(ActivityState.ACTIVE, at, now, cause.viewerId(), cause.burstStartKind(),
          TransitionReason.INPUT, rules);
    } else {
      transition(ActivityState.ACTIVE, newest.nanos, now, newest.viewerId, newest.kind, TransitionReason.INPUT,
          rules);
    }
  }

  /**
   * The choke point: every state change of every session passes here, and only here is it queued for listeners
   * and marked for the store. The time is clamped into [time of the previous change, now].
   */
  private void transition(ActivityState to, long atNanos, long now, String causeViewerId, InputKind causeKind,
      TransitionReason reason, Rules rules) {
    ActivityState from = state;
    if (from == to) {
      return;
    }
    long at = Math.min(Math.max(atNanos, stateSinceNanos), now);
    long fromSince = stateSinceNanos;
    state = to;
    rules.counts.moved(from, to);
    stateSinceNanos = at;
    cause = new TransitionCause(causeViewerId, causeKind, reason);
    changeSeq++;
    offer(rules, new PendingTransition(sessionId, from, to, fromSince, at, causeViewerId, causeKind,
        reason));
  }

  private long advanceTo(long now) {
    if (now > evaluatedNanos) {
      evaluatedNanos = now;
    }
    return evaluatedNanos;
  }

  private Viewer find(String viewerId) {
    for (Viewer viewer : viewers) {
      if (viewer.viewerId().equals(viewerId)) {
        return viewer;
      }
    }
    return null;
  }

  /** Newest activity of the session with who caused it; {@code kind} is null when it was an open. */
  private record Activity(long nanos, String viewerId, InputKind kind) {
  }

  private Activity newestActivity() {
    long nanos = closedActivityNanos;
    String viewerId = closedActivityViewerId;
    InputKind kind = closedActivityKind;
    for (Viewer viewer : viewers) {
      long last = viewer.lastActivityNanos();
      if (nanos == NONE || last > nanos) {
        nanos = last;
        viewerId = viewer.viewerId();
        kind = viewer.lastInputKind();
      }
    }
    return new Activity(nanos, viewerId, kind);
  }

  // ---- snapshots ----

  synchronized SessionSnapshot snapshot(long now, TimeBase timeBase, Rules rules) {
    now = advanceTo(now);
    evaluate(now, rules);
    Activity newest = newestActivity();
    long inputNanos = closedInputNanos;
    InputKind inputKind = closedInputKind;
    long[] counts = closedCounts.clone();
    boolean allInspectable = true;
    List<Viewer> sorted = new ArrayList<>(viewers);
    sorted.sort(Comparator.comparing(Viewer::viewerId));
    List<ViewerSnapshot> viewerSnapshots = new ArrayList<>(sorted.size());
    for (Viewer viewer : sorted) {
      long last = viewer.lastActivityNanos();
      InputKind kind = viewer.lastInputKind();
      if (kind != null && (inputNanos == NONE || last > inputNanos)) {
        inputNanos = last;
        inputKind = kind;
      }
      long[] own = new long[InputKind.COUNT];
      for (int i = 0; i < InputKind.COUNT; i++) {
        own[i] = viewer.count(i);
        counts[i] += own[i];
      }
      allInspectable &= !viewer.blind();
      viewerSnapshots.add(new ViewerSnapshot(viewer.viewerId(), viewerState(viewer, now, rules),
          !viewer.blind(), viewer.blindReason(), timeBase.toInstant(viewer.openedNanos()),
          timeBase.toInstant(last), kind, viewer.attributes(), SessionSnapshot.countsOf(own)));
    }
    Instant activeUntil = state == ActivityState.ACTIVE && newest.nanos != NONE
        ? timeBase.toInstant(newest.nanos + rules.activeWindowNanos) : null;
    return new SessionSnapshot(sessionId, state, timeBase.toInstant(stateSinceNanos),
        instantOrNull(newest.nanos, timeBase), inputKind, viewerSnapshots, SessionSnapshot.countsOf(counts),
        allInspectable, instantOrNull(lastConnectNanos, timeBase), instantOrNull(lastDisconnectNanos, timeBase),
        activeUntil, cause, lastCloseReason);
  }

  private static Instant instantOrNull(long nanos, TimeBase timeBase) {
    return nanos == NONE ? null : timeBase.toInstant(nanos);
  }

  /** A session the tracker remembers without viewers, as a snapshot: DISCONNECTED with its times. */
  static SessionSnapshot snapshotOf(String sessionId, SessionHistory h, TimeBase timeBase) {
    long newest = h.lastActivityNanos();
    return new SessionSnapshot(sessionId, ActivityState.DISCONNECTED, timeBase.toInstant(h.stateSinceNanos()),
        instantOrNull(newest, timeBase), h.lastInputKind(), List.of(), SessionSnapshot.countsOf(h.inputCounts()),
        true, instantOrNull(h.lastConnectNanos(), timeBase), instantOrNull(h.lastDisconnectNanos(), timeBase), null,
        h.cause(), h.lastCloseReason());
  }

  /** What the tracker keeps of this slot once it is retired (no viewers: everything is in the closed fields). */
  synchronized SessionHistory history() {
    return new SessionHistory(stateSinceNanos, closedActivityNanos, closedActivityViewerId, closedActivityKind,
        closedInputNanos, closedInputKind, lastConnectNanos, lastDisconnectNanos, cause, closedCounts.clone(),
        lastCloseReason);
  }

  private static ActivityState viewerState(Viewer viewer, long now, Rules rules) {
    return rules.activeAt(viewer.lastActivityNanos(), now) ? ActivityState.ACTIVE : ActivityState.CONNECTED_IDLE;
  }

  /** Queues an event for the flusher (under this lock, so a session's events keep their order). */
  private void offer(Rules rules, PendingEvent event) {
    rules.transitions.offer(this, ++offeredEvents, event);
  }

  /**
   * Whether the rows of this slot's last collect reflect its event of this ordinal: it may go out in the batch being
   * written. A retired slot is collected for good.
   */
  synchronized boolean collected(long ordinal) {
    return ordinal <= collectedEvents || retired;
  }

  // ---- flusher ----

  /**
   * Evaluates the session and collects what is due for the store:
   * <ul>
   *   <li>at once (this tick) after any change: an open, a close, a transition, an inspection loss;</li>
   *   <li>otherwise once per persistInterval while viewers are connected: the heartbeat, which also carries the
   *       newest activity if it advanced. So an active session's newest input is written at most once per
   *       persistInterval, plus at its transitions, whatever the input rate.</li>
   * </ul>
   * The session row is included only if the newest activity advanced beyond what was written; viewer rows are
   * all rewritten (they carry the heartbeat and {@code active_until}).
   *
   * @param writeAllowed false while the flusher backs off: evaluate and count, but collect nothing
   * @return the write, or {@code null} if nothing is due (or writing is not allowed)
   */
  synchronized SessionWrite collect(long now, TimeBase timeBase, Rules rules, TickStats stats,
      boolean writeAllowed) {
    now = advanceTo(now);
    evaluate(now, rules);
    collectedEvents = offeredEvents; // after evaluate: a transition it makes is in this collect's rows
    long countedInputs = takeInputDeltas(viewers, stats, rules) + takeInputDeltas(closedViewers, stats, rules);
    // A closed viewer whose row was never written needs no delete, and its inputs are reported now: let it go, so
    // that connections coming and going during an outage are not all held until it ends.
    closedViewers.removeIf(viewer -> !viewer.rowWritten());
    Activity newest = newestActivity();
    boolean changed = changeSeq != writtenSeq;
    boolean raised = newest.nanos > writtenActivityNanos;
    if (settled(changed, raised)) {
      retired = true;
      rules.counts.retired(state);
      stats.retired.add(this);
      return null;
    }
    inputsSinceRaise += countedInputs;
    boolean heartbeat = !viewers.isEmpty() && now - lastWriteNanos >= rules.persistIntervalNanos;
    boolean due = changed || heartbeat;
    if (due) {
      stats.pendingSessions++;
    }
    if (!due || !writeAllowed) {
      return null;
    }
    long activeUntil = newest.nanos == NONE ? now : newest.nanos + rules.activeWindowNanos;
    SessionActivityRow sessionRow = raised ? new SessionActivityRow(sessionId, timeBase.toInstant(newest.nanos),
        timeBase.toInstant(activeUntil), newest.kind) : null;
    List<ViewerRow> rows = new ArrayList<>(viewers.size());
    for (Viewer viewer : viewers) {
      long last = viewer.lastActivityNanos();
      InputKind kind = viewer.lastInputKind();
      rows.add(new ViewerRow(sessionId, rules.replicaId, viewer.viewerId(), viewerState(viewer, now, rules),
          !viewer.blind(), viewer.blindReason(), timeBase.toInstant(viewer.openedNanos()),
          kind == null ? null : timeBase.toInstant(last), kind, timeBase.toInstant(activeUntil),
          timeBase.toInstant(now), timeBase.toInstant(now + rules.viewerExpiryNanos)));
    }
    List<ViewerKey> deletes = new ArrayList<>(closedViewers.size());
    for (Viewer viewer : closedViewers) {
      // A live viewer under the same id (a reconnect, or a second open replacing a lost close) owns the row now:
      // its upsert replaces the old connection's row, which deleting would remove (deletes run after upserts).
      if (viewer.rowWritten() && find(viewer.viewerId()) == null) {
        deletes.add(new ViewerKey(sessionId, rules.replicaId, viewer.viewerId()));
      }
    }
    return new SessionWrite(this, changeSeq, raised ? newest.nanos : NONE, raised ? inputsSinceRaise : 0,
        sessionRow, rows, List.copyOf(viewers), deletes, List.copyOf(closedViewers));
  }

  /** Nothing connected and nothing left to write: the slot can be forgotten (the database keeps the session). */
  private boolean settled(boolean changed, boolean raised) {
    return viewers.isEmpty() && closedViewers.isEmpty() && !changed && !raised;
  }

  private static long takeInputDeltas(List<Viewer> viewers, TickStats stats, Rules rules) {
    long counted = 0;
    for (Viewer viewer : viewers) {
      for (int i = 0; i < InputKind.COUNT; i++) {
        long delta = viewer.takeUnreportedCount(i);
        stats.inputs[i] += delta;
        if (rules.counted(i)) {
          counted += delta;
        }
      }
    }
    return counted;
  }

  /**
   * The store committed {@code write} (flusher thread).
   *
   * @return whether the slot is now settled and retired: the caller removes it from the session map
   */
  boolean written(SessionWrite write, long now, Rules rules) {
    writtenSeq = write.changeSeq();
    writtenActivityNanos = Math.max(writtenActivityNanos, write.activityNanos());
    inputsSinceRaise -= write.coveredInputs();
    lastWriteNanos = now;
    for (Viewer viewer : write.upserted()) {
      viewer.markRowWritten();
    }
    synchronized (this) {
      closedViewers.removeAll(write.closedIncluded());
      long newest = newestActivity().nanos;
      boolean raised = newest > writtenActivityNanos;
      if (settled(changeSeq != writtenSeq, raised)) {
        retired = true;
        rules.counts.retired(state);
        return true;
      }
      return false;
    }
  }

  synchronized int closedViewersHeld() {
    return closedViewers.size();
  }

  @Override
  public String toString() {
    return "SessionSlot[" + sessionId + "]";
  }
}
