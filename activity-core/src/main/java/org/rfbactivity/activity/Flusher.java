package org.rfbactivity.activity;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.ActivityEventListener;
import org.rfbactivity.activity.event.EventIds;
import org.rfbactivity.activity.store.ActivityStore;
import org.rfbactivity.activity.store.RejectedRow;
import org.rfbactivity.activity.store.SessionActivityRow;
import org.rfbactivity.activity.store.StoreBatch;
import org.rfbactivity.activity.store.StoreException;
import org.rfbactivity.activity.store.ViewerKey;
import org.rfbactivity.activity.store.ViewerRow;
import org.rfbactivity.activity.store.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One flush tick: apply the policies that are due (docs/architecture.md#policies), evaluate every session (so idle
 * periods end on time), deliver the queued transitions, and write everything due in one batch, one transaction. While the store fails, ticks go on evaluating and delivering, the
 * newest values stay in the sessions (nothing queues up per input), and writes back off exponentially.
 *
 * <p>Runs on the tracker's flusher thread, or on the caller of {@link ActivityTracker#close()} when never started,
 * or on a test's thread; {@link #tick} is synchronized so that two of those can never overlap.
 */
final class Flusher {

  private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);

  /**
   * Events kept for the store while it fails: they are committed with the first write that succeeds. Past this, the
   * oldest are dropped (and counted in the log): notifications matter less than memory in a long outage.
   */
  static final int MAX_UNCOMMITTED_EVENTS = 65_536;

  private final ConcurrentMap<String, SessionSlot> sessions;
  private final RetainedSessions retained;
  private final List<ActivityEventListener> eventListeners;
  private final EventIds eventIds = new EventIds();
  private final Rules rules;
  private final ActivityStore store;
  private final ActivityMetrics metrics;
  private final List<ActivityListener> listeners;
  private final ViewerCloser closer;
  private final Ticker ticker;
  private final Clock clock;
  private final long flushTickNanos;
  private final long maxBackoffNanos;
  private final String owner;

  private volatile TimeBase timeBase;
  /**
   * No session's policy can be due before this: the least of the sessions' own due times as of the last policy pass,
   * lowered to "now" by intake that changes a viewer with a policy. A tick before it skips the pass altogether, so
   * that policies cost a tick with nothing due one read, not a walk over the sessions.
   */
  private final AtomicLong policyDueNanos = new AtomicLong(Long.MAX_VALUE);
  private volatile StoreHealth health = StoreHealth.INITIAL;

  // Guarded by this.
  private int consecutiveFailures;
  private long nextAttemptNanos;
  private long lastPurgeNanos;
  private StoreException lastFailure;
  private Instant lastSuccessAt;
  private Instant lastFailureAt;
  private long rejectedRows;
  /** This replica's events not yet committed, oldest first. */
  private final ArrayDeque<ActivityEvent> uncommitted = new ArrayDeque<>();
  private long droppedEvents;

  Flusher(ActivityConfig config, ActivityMetrics metrics, ConcurrentMap<String, SessionSlot> sessions,
      RetainedSessions retained, Rules rules) {
    this.sessions = sessions;
    this.retained = retained;
    this.eventListeners = config.eventListeners();
    this.rules = rules;
    this.store = config.store();
    this.metrics = metrics;
    this.listeners = config.listeners();
    this.closer = config.viewerCloser();
    this.ticker = config.ticker();
    this.clock = config.clock();
    this.flushTickNanos = config.flushTick().toNanos();
    this.maxBackoffNanos = config.maxRetryBackoff().toNanos();
    this.owner = config.replicaId();
    long now = ticker.read();
    this.timeBase = TimeBase.anchoredAt(now, clock.instant());
    this.nextAttemptNanos = now;
    this.lastPurgeNanos = now;
  }

  TimeBase timeBase() {
    return timeBase;
  }

  StoreHealth health() {
    return health;
  }

  /**
   * A viewer with a policy opened, closed or went blind: the next tick walks the sessions. Called after the session
   * marked itself, so a walk that misses the mark sees this instead.
   */
  void policiesChanged() {
    policyDueNanos.set(Long.MIN_VALUE);
  }

  /** The policy pass: every session whose policies may be due applies them; the least next due time is kept. */
  private void applyPolicies(long now, TickStats stats) {
    // Reset first: intake that changes a session after this is seen by the next tick, whatever the walk saw.
    policyDueNanos.set(Long.MAX_VALUE);
    long next = Long.MAX_VALUE;
    for (SessionSlot slot : sessions.values()) {
      if (slot.policyDue(now)) {
        slot.applyPolicies(now, rules, stats.closes);
      }
      next = Math.min(next, slot.policyDueNanos());
    }
    policyDueNanos.accumulateAndGet(next, Math::min);
  }

  /**
   * One tick.
   *
   * @param finalFlush ignore the back-off: the tracker is closing and this is the last chance
   */
  synchronized void tick(boolean finalFlush) {
    long now = ticker.read();
    TimeBase base = timeBase.reanchoredIfDrifted(now, clock.instant());
    timeBase = base;
    boolean writeAllowed = finalFlush || now - nextAttemptNanos >= 0;

    TickStats stats = new TickStats();
    if (now >= policyDueNanos.get()) {
      applyPolicies(now, stats);
    }
    // Outside every session lock: the application may close the viewer right here, which takes that lock; such a
    // close is then collected below, in this tick's write.
    for (PolicyClose close : stats.closes) {
      askToClose(close);
    }
    List<SessionWrite> writes = new ArrayList<>();
    for (SessionSlot slot : sessions.values()) {
      SessionWrite write = slot.collect(now, base, rules, stats, writeAllowed);
      if (write != null) {
        writes.add(write);
      }
    }
    for (SessionSlot slot : stats.retired) {
      retire(slot);
    }
    keep(rules.transitions.deliver(base, listeners, metrics, eventIds, owner, finalFlush));
    reportInputs(stats);

    boolean purge = writeAllowed && now - lastPurgeNanos >= rules.persistIntervalNanos;
    boolean succeeded = true;
    if (!writes.isEmpty() || purge || (writeAllowed && !uncommitted.isEmpty())) {
      succeeded = write(writes, purge, now, base, stats.pendingSessions);
      if (succeeded && purge) {
        lastPurgeNanos = now;
      }
    }
    // Due writes that are not committed: what an outage (or the back-off) currently holds in memory.
    int pending = succeeded && writeAllowed ? 0 : stats.pendingSessions;
    health = new StoreHealth(consecutiveFailures == 0, consecutiveFailures,
        lastFailure == null ? null : lastFailure.errorClass(), lastSuccessAt, lastFailureAt,
        pending, rejectedRows);
    metrics.flushCompleted(ticker.read() - now, succeeded);
  }

  private boolean write(List<SessionWrite> writes, boolean purge, long now, TimeBase base, int dueSessions) {
    List<SessionActivityRow> sessionRows = new ArrayList<>();
    List<ViewerRow> viewerRows = new ArrayList<>();
    List<ViewerKey> deletes = new ArrayList<>();
    for (SessionWrite write : writes) {
      if (write.sessionRow() != null) {
        sessionRows.add(write.sessionRow());
      }
      viewerRows.addAll(write.viewerRows());
      deletes.addAll(write.deletes());
    }
    Set<String> idleWatched = new HashSet<>();
    for (SessionWrite write : writes) {
      if (write.slot().idleWatched()) {
        idleWatched.add(write.slot().sessionId());
      }
    }
    StoreBatch batch = new StoreBatch(sessionRows, viewerRows, deletes, purge, List.copyOf(uncommitted),
        owner, idleWatched);
    WriteResult result;
    try {
      result = store.write(batch);
    } catch (StoreException e) {
      failed(e, now, base, dueSessions);
      return false;
    } catch (RuntimeException e) {
      // A store bug must not stop the flusher; treat it like a failure that will not pass by itself.
      failed(new StoreException(owner + " - store threw " + e.getClass().getName(), false, null, e), now, base,
          dueSessions);
      return false;
    }
    long suppressed = 0;
    for (SessionWrite write : writes) {
      SessionSlot slot = write.slot();
      suppressed += write.suppressedWrites();
      if (slot.written(write, now, rules)) {
        retire(slot);
      }
    }
    uncommitted.clear();
    publish(result.events());
    othersInput(result, writes, base);
    if (suppressed != 0) {
      metrics.writesSuppressed(suppressed);
    }
    for (RejectedRow rejected : result.rejected()) {
      metrics.storeError(rejected.errorClass());
    }
    rejectedRows += result.rejected().size();
    metrics.rowsWritten(result.sessionRows(), result.viewerRows());
    if (consecutiveFailures > 0) {
      LOG.info("{} - store writes succeed again after {} failed attempts", owner, consecutiveFailures);
    }
    consecutiveFailures = 0;
    lastSuccessAt = base.toInstant(now);
    return true;
  }

  /** Remembered before it is removed, so that a lookup in between finds it in one place or the other. */
  private void retire(SessionSlot slot) {
    retained.put(slot.sessionId(), slot.history());
    sessions.remove(slot.sessionId(), slot);
  }

  private void keep(List<ActivityEvent> events) {
    uncommitted.addAll(events);
    int over = uncommitted.size() - MAX_UNCOMMITTED_EVENTS;
    if (over > 0) {
      for (int i = 0; i < over; i++) {
        uncommitted.removeFirst();
      }
      if (droppedEvents == 0) {
        LOG.warn("{} - the store has not committed for a while; dropping the oldest events beyond {}", owner,
            MAX_UNCOMMITTED_EVENTS);
      }
      droppedEvents += over;
    }
  }

  /** Other replicas' counted input of the written sessions reaches their idle policies. */
  private static void othersInput(WriteResult result, List<SessionWrite> writes, TimeBase base) {
    if (result.othersInput().isEmpty()) {
      return;
    }
    for (SessionWrite write : writes) {
      java.time.Instant at = result.othersInput().get(write.slot().sessionId());
      if (at != null) {
        write.slot().othersInput(base.toNanos(at));
      }
    }
  }

  /** Committed events to the event listeners, in order; a throwing listener is logged and the others still run. */
  private void publish(List<ActivityEvent> events) {
    if (droppedEvents > 0) {
      LOG.warn("{} - {} events were dropped while the store was failing", owner, droppedEvents);
      droppedEvents = 0;
    }
    for (ActivityEvent event : events) {
      for (ActivityEventListener listener : eventListeners) {
        try {
          listener.onEvent(event);
        } catch (VirtualMachineError e) {
          throw e;
        } catch (Throwable e) {
          LOG.error("{} - event listener {} failed on {} of session {}", owner, listener.getClass().getName(),
              event.type().wireName(), event.sessionId(), e);
        }
      }
    }
  }

  private void failed(StoreException e, long now, TimeBase base, int dueSessions) {
    consecutiveFailures++;
    long delay = Backoff.delayNanos(consecutiveFailures, e.retryable(), flushTickNanos, maxBackoffNanos);
    nextAttemptNanos = now + delay;
    lastFailure = e;
    lastFailureAt = base.toInstant(now);
    metrics.storeError(e.errorClass());
    if (consecutiveFailures == 1) {
      // The exception's message carries metadata only (SQLSTATE, row count); its cause is logged at debug.
      if (e.retryable()) {
        LOG.warn("{} - store write failed: {}; {} sessions with writes due keep their newest values in "
            + "memory; retrying with back-off up to {} ms", owner, e.getMessage(), dueSessions,
            maxBackoffNanos / 1_000_000);
      } else {
        LOG.error("{} - store write failed and will not recover by itself: {}; keeping the newest values, "
            + "retrying every {} ms", owner, e.getMessage(), maxBackoffNanos / 1_000_000);
      }
    } else {
      LOG.debug("{} - store write failed again ({} in a row): {}", owner, consecutiveFailures, e.getMessage());
    }
    LOG.debug("{} - store failure cause", owner, e.getCause());
  }

  private void askToClose(PolicyClose close) {
    try {
      closer.close(close.viewer(), close.reason());
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      LOG.error("{} - viewer closer {} failed on viewer {} of session {} ({})", owner, closer.getClass().getName(),
          close.viewer().viewerId(), close.viewer().sessionId(), close.reason().label(), e);
    }
  }

  private void reportInputs(TickStats stats) {
    for (int i = 0; i < InputKind.COUNT; i++) {
      if (stats.inputs[i] != 0) {
        metrics.inputs(InputKind.ofOrdinal(i), stats.inputs[i]);
      }
    }
  }
}
