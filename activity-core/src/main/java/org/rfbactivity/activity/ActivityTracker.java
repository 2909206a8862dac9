package org.rfbactivity.activity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rfbactivity.activity.event.BoundedText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns viewer events into a three-state signal per session (DISCONNECTED, CONNECTED_IDLE, ACTIVE) and persists it
 * at a bounded rate (docs/architecture.md#activity-state, docs/architecture.md#persistence; activity-core/README.md).
 *
 * <p><b>Intake</b> ({@link #viewerOpened}, {@link #input}, {@link #inspectionLost}, {@link #viewerAttribute},
 * {@link #viewerClosed}) is called on event-loop threads. It never blocks, never touches the store, and never throws:
 * bad arguments are logged and ignored. {@link #input} is O(1) without allocation or locks; the others take one
 * session's lock for a few field updates.
 *
 * <p><b>Lifecycle</b>: the constructor starts nothing. {@link #start()} creates the one flusher thread (from the
 * configured {@link java.util.concurrent.ThreadFactory}), which every {@code flushTick} evaluates every session,
 * delivers transitions to listeners, and writes what is due. {@link #close()} closes every remaining viewer, runs a
 * final flush (bounded by {@code closeTimeout}) and stops the thread; it does not close the store. Intake after close
 * is ignored. A tracker that is never started keeps working in memory; its transitions wait for {@code close()},
 * whose final flush then runs on one thread from the factory (so {@code closeTimeout} holds either way).
 *
 * <p>This class is thread-safe.
 */
public final class ActivityTracker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ActivityTracker.class);

  /** Longest session or viewer id accepted; ids are keys in memory and in the database. */
  public static final int MAX_ID_LENGTH = 256;

  private final ActivityConfig config;
  private final Ticker ticker;
  private final Rules rules;
  private final ConcurrentHashMap<String, SessionSlot> sessions = new ConcurrentHashMap<>();
  private final RetainedSessions retained;
  private final Flusher flusher;
  private final ActivityMetrics metrics;
  private final AtomicBoolean inputFailureLogged = new AtomicBoolean();

  private final Object lifecycle = new Object();
  private ScheduledExecutorService executor;
  private ScheduledFuture<?> tickTask;
  private volatile boolean closed;

  /**
   * Creates a tracker; starts nothing.
   *
   * @param config its settings
   */
  public ActivityTracker(ActivityConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.ticker = config.ticker();
    this.rules = new Rules(config, new TransitionQueue());
    this.metrics = GuardedMetrics.of(config.metrics(), config.replicaId());
    this.retained = new RetainedSessions(config.retainedSessions());
    this.flusher = new Flusher(config, metrics, sessions, retained, rules);
  }

  /** {@return the configuration this tracker was built with} */
  public ActivityConfig config() {
    return config;
  }

  /**
   * Starts the flusher thread.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("tracker " + config.replicaId() + " is closed");
      }
      if (executor != null) {
        throw new IllegalStateException("tracker " + config.replicaId() + " is already started");
      }
      executor = Executors.newSingleThreadScheduledExecutor(config.threadFactory());
      tickTask = executor.schedule(this::scheduledTick, config.flushTick().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  // ---------------------------------------------------------------- intake

  /**
   * A viewer connected to a session. Opening counts as activity. Returns the handle for the viewer's further
   * events. Never throws: with a null, blank, over-long ({@value #MAX_ID_LENGTH}) or control-character id, or after
   * {@link #close()}, the open is logged and ignored, and the returned handle is ignored by every other method.
   *
   * @param sessionId   the session (the platform's id: it is the key in {@code rfb_session_activity})
   * @param viewerId    unique among the session's viewers on this replica (e.g. a connection id)
   * @param attributes  anything to show in snapshots (remote address, ...); copied, bounded (32 entries, keys up to
   *                    64 and values up to 256 characters)
   * @param inspectable {@code false} if the viewer's stream will not be inspected at all: it is blind from the start
   *                    (counted in {@link ActivityMetrics#blindViewer} as {@code NOT_INSPECTED})
   * @return the handle for the viewer's further events
   */
  public Viewer viewerOpened(String sessionId, String viewerId, Map<String, String> attributes,
      boolean inspectable) {
    return open(sessionId, viewerId, attributes, inspectable, null, ViewerPolicy.NONE);
  }

  /**
   * As {@link #viewerOpened(String, String, Map, boolean)}, for a viewer (or a route's viewers) with a policy of its
   * own: the viewer follows the stricter of it and {@link ActivityConfig#policy()}
   * (docs/architecture.md#policies). A null policy is none.
   *
   * @param sessionId   the session (the platform's id: it is the key in {@code rfb_session_activity})
   * @param viewerId    unique among the session's viewers on this replica (e.g. a connection id)
   * @param attributes  anything to show in snapshots (remote address, ...); copied, bounded (32 entries, keys up to
   *                    64 and values up to 256 characters)
   * @param inspectable {@code false} if the viewer's stream will not be inspected at all
   * @param policy      the viewer's own policy, or null
   * @return the handle for the viewer's further events
   */
  public Viewer viewerOpened(String sessionId, String viewerId, Map<String, String> attributes,
      boolean inspectable, ViewerPolicy policy) {
    return open(sessionId, viewerId, attributes, inspectable, null, policy);
  }

  /**
   * As {@link #viewerOpened}, for a viewer whose stream was already blind when it opened (its handshake went blind
   * before the viewer was established): blind from the start, with this reason, shown and counted as
   * {@link #inspectionLost} shows and counts it.
   *
   * @param sessionId   the session (the platform's id: it is the key in {@code rfb_session_activity})
   * @param viewerId    unique among the session's viewers on this replica (e.g. a connection id)
   * @param attributes  anything to show in snapshots (remote address, ...); copied, bounded (32 entries, keys up to
   *                    64 and values up to 256 characters)
   * @param reason      why the stream is blind (a name, e.g. the codec's blind reason)
   * @return the handle for the viewer's further events
   */
  public Viewer viewerOpenedBlind(String sessionId, String viewerId, Map<String, String> attributes,
      String reason) {
    return viewerOpenedBlind(sessionId, viewerId, attributes, reason, ViewerPolicy.NONE);
  }

  /**
   * As {@link #viewerOpenedBlind(String, String, Map, String)}, with a policy of its own as in
   * {@link #viewerOpened(String, String, Map, boolean, ViewerPolicy)}.
   *
   * @param sessionId   the session (the platform's id: it is the key in {@code rfb_session_activity})
   * @param viewerId    unique among the session's viewers on this replica (e.g. a connection id)
   * @param attributes  anything to show in snapshots (remote address, ...); copied, bounded (32 entries, keys up to
   *                    64 and values up to 256 characters)
   * @param reason      why the stream is blind
   * @param policy      the viewer's own policy, or null
   * @return the handle for the viewer's further events
   */
  public Viewer viewerOpenedBlind(String sessionId, String viewerId, Map<String, String> attributes,
      String reason, ViewerPolicy policy) {
    return open(sessionId, viewerId, attributes, false, BoundedText.of(reason, Attributes.MAX_VALUE_LENGTH), policy);
  }

  private Viewer open(String sessionId, String viewerId, Map<String, String> attributes, boolean inspectable,
      String blindReason, ViewerPolicy given) {
    try {
      String problem = idProblem("sessionId", sessionId);
      if (problem == null) {
        problem = idProblem("viewerId", viewerId);
      }
      if (problem != null) {
        LOG.warn("{} - ignored a viewer open: {}", config.replicaId(), problem);
        return Viewer.detached(viewerId);
      }
      if (closed) {
        LOG.debug("{} - ignored a viewer open after close", config.replicaId());
        return Viewer.detached(viewerId);
      }
      Map<String, String> attrs = Attributes.copyOf(attributes);
      ViewerPolicy policy = given == null ? rules.policy : rules.policy.stricter(given);
      for (;;) {
        SessionSlot slot = sessions.computeIfAbsent(sessionId, id -> {
          rules.counts.created();
          return new SessionSlot(id, ticker.read(), retained.take(id));
        });
        Viewer viewer = slot.open(viewerId, inspectable, blindReason, attrs, policy, ticker.read(), rules);
        if (viewer != null && closed) {
          // close() ran meanwhile and may have missed this viewer: undo, as for any open after close.
          slot.close(viewer, ticker.read(), rules, SessionSlot.TRACKER_CLOSED);
          return Viewer.detached(viewerId);
        }
        if (viewer != null) {
          policiesChanged(viewer);
          if (!inspectable) {
            metrics.blindViewer(blindReason == null ? "NOT_INSPECTED" : blindReason);
          }
          return viewer;
        }
        // The flusher retired that slot (its session had gone quiet) between lookup and open.
        sessions.remove(sessionId, slot);
      }
    } catch (RuntimeException e) {
      LOG.error("{} - viewer open failed", config.replicaId(), e);
      return Viewer.detached(viewerId);
    }
  }

  /**
   * One classified input from a viewer. Hot path: O(1), no allocation, no lock, never blocks or throws. Counted
   * kinds ({@link ActivityConfig#countedKinds()}) are activity; all kinds are counted for snapshots and metrics.
   * For a blind viewer the caller reports {@link InputKind#BLIND_TRAFFIC} for each read of its client bytes, which
   * counts as the {@link BlindPolicy} says. Calls for one viewer must come from one thread at a time (its event
   * loop).
   *
   * @param viewer the handle {@code viewerOpened} returned
   * @param kind   what the input was
   */
  public void input(Viewer viewer, InputKind kind) {
    if (viewer == null || kind == null) {
      return;
    }
    try {
      viewer.recordInput(kind, rules.counted(kind), ticker, rules.activeWindowNanos);
    } catch (RuntimeException e) {
      // Only a broken Ticker can get here; say so once rather than per input.
      if (inputFailureLogged.compareAndSet(false, true)) {
        LOG.error("{} - input could not be recorded (logged once)", config.replicaId(), e);
      }
    }
  }

  /**
   * The viewer's stream can no longer be inspected (it went "blind"). Not activity in itself: from now on its
   * {@link InputKind#BLIND_TRAFFIC} counts according to the {@link BlindPolicy}, and snapshots report it as not
   * inspectable with this reason. Only the first reason is
   * kept, and the viewer is counted once in {@link ActivityMetrics#blindViewer} (with the reason it became blind
   * with: {@code NOT_INSPECTED} if it was opened so, {@code UNKNOWN} without one).
   *
   * @param viewer the handle {@code viewerOpened} returned
   * @param reason a short constant such as the codec's {@code BlindReason} name; shown in snapshots and stored (cut
   *               at 256 characters, control characters replaced by {@code ?})
   */
  public void inspectionLost(Viewer viewer, String reason) {
    if (viewer == null || viewer.session() == null) {
      return;
    }
    try {
      String bounded = BoundedText.of(reason, Attributes.MAX_VALUE_LENGTH);
      if (viewer.session().inspectionLost(viewer, bounded, ticker.read(), rules)) {
        policiesChanged(viewer);
        metrics.blindViewer(bounded == null ? "UNKNOWN" : bounded);
      }
    } catch (RuntimeException e) {
      LOG.error("{} - inspection loss could not be recorded", config.replicaId(), e);
    }
  }

  /**
   * Sets (or with a {@code null} value removes) one attribute shown in snapshots, e.g. the protocol version once
   * the handshake is known. Not a hot path: copies the viewer's small attribute map. Bounded like the attributes
   * given at open.
   *
   * @param viewer the handle {@code viewerOpened} returned
   * @param key    the attribute's name
   * @param value  its value, or null to remove it
   */
  public void viewerAttribute(Viewer viewer, String key, String value) {
    if (viewer == null || viewer.session() == null || key == null) {
      return;
    }
    try {
      viewer.session().attribute(viewer, key, value);
    } catch (RuntimeException e) {
      LOG.error("{} - viewer attribute could not be recorded", config.replicaId(), e);
    }
  }

  /**
   * The viewer disconnected, for no reason given; see {@link #viewerClosed(Viewer, String)}.
   *
   * @param viewer the handle {@code viewerOpened} returned
   */
  public void viewerClosed(Viewer viewer) {
    viewerClosed(viewer, null);
  }

  /**
   * The viewer disconnected. Closing is not activity: it does not move the session's last activity, but the newest
   * pending value and the new state are written at the next tick. Closing twice is harmless.
   *
   * @param viewer the handle {@code viewerOpened} returned
   * @param reason a short constant such as {@code client_closed}, carried by the {@code viewer.closed} event (cut at
   *               {@value org.rfbactivity.activity.event.ActivityEvent#MAX_REASON_LENGTH} characters); may be null
   */
  public void viewerClosed(Viewer viewer, String reason) {
    if (viewer == null || viewer.session() == null) {
      return;
    }
    try {
      viewer.session().close(viewer, ticker.read(), rules, reason);
      policiesChanged(viewer);
    } catch (RuntimeException e) {
      LOG.error("{} - viewer close could not be recorded", config.replicaId(), e);
    }
  }

  // ---------------------------------------------------------------- queries

  /**
   * Makes a session known before any viewer opens it (e.g. a configured route): it then answers
   * {@link #snapshot} as DISCONNECTED since now, rather than not at all. Nothing for a session already known.
   * Counts against {@link ActivityConfig#retainedSessions()} like any session without viewers.
   *
   * @param sessionId the session
   */
  public void declareSession(String sessionId) {
    String problem = idProblem("sessionId", sessionId);
    if (problem != null) {
      LOG.warn("{} - ignored a session declaration: {}", config.replicaId(), problem);
      return;
    }
    if (!sessions.containsKey(sessionId)) {
      retained.putIfAbsent(sessionId, SessionHistory.declared(ticker.read()));
    }
  }

  /**
   * This replica's view of one session, evaluated now: a session with viewers here, or one it remembers
   * ({@link ActivityConfig#retainedSessions()}: seen since start, or declared) as DISCONNECTED with its times.
   * Empty for a session this tracker does not know (the database view {@code rfb_session_status} may).
   *
   * @param sessionId the session
   * @return its snapshot, or empty
   */
  public Optional<SessionSnapshot> snapshot(String sessionId) {
    if (sessionId == null) {
      return Optional.empty();
    }
    SessionSlot slot = sessions.get(sessionId);
    if (slot != null) {
      return Optional.of(slot.snapshot(ticker.read(), flusher.timeBase(), rules));
    }
    SessionHistory history = retained.get(sessionId);
    if (history != null) {
      return Optional.of(SessionSlot.snapshotOf(sessionId, history, flusher.timeBase()));
    }
    // An open may have moved it from the retained sessions to a slot between the two lookups.
    slot = sessions.get(sessionId);
    return slot == null ? Optional.empty()
        : Optional.of(slot.snapshot(ticker.read(), flusher.timeBase(), rules));
  }

  /**
   * Every session this replica knows, evaluated now, ordered by session id: those with viewers here and those it
   * remembers without viewers. O(sessions + viewers).
   *
   * @return their snapshots
   */
  public List<SessionSnapshot> snapshots() {
    long now = ticker.read();
    TimeBase base = flusher.timeBase();
    Map<String, SessionSnapshot> all = new TreeMap<>();
    for (Map.Entry<String, SessionHistory> e : retained.copy().entrySet()) {
      all.put(e.getKey(), SessionSlot.snapshotOf(e.getKey(), e.getValue(), base));
    }
    for (SessionSlot slot : sessions.values()) {
      all.put(slot.sessionId(), slot.snapshot(now, base, rules));
    }
    return new ArrayList<>(all.values());
  }

  /**
   * How many sessions this replica knows in {@code state}: the ones {@link #snapshots()} lists, by the state of each
   * one's newest evaluation (an open or close, or the flush tick), where a snapshot evaluates now; DISCONNECTED
   * includes the remembered sessions. O(1) and lock-free, whatever the number of sessions: counted where states
   * change (docs/architecture.md#sessions-per-state). A read that meets a change half done (a state's count lowered,
   * the next one's not yet raised; a slot retired, not yet remembered) sees one session fewer for that moment.
   *
   * @param state the state to count
   * @return the number of sessions in it
   */
  public long sessionsIn(ActivityState state) {
    long held = rules.counts.held(Objects.requireNonNull(state, "state"));
    return state == ActivityState.DISCONNECTED ? held + retained.size() : held;
  }

  /** {@return how writes to the store are going, as of the last flush tick} */
  public StoreHealth storeHealth() {
    return flusher.health();
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Closes every remaining viewer (as disconnections), runs a final flush that ignores any back-off, waits for it
   * up to {@code closeTimeout}, and stops the flusher thread. Does not close the store. Idempotent.
   */
  @Override
  public void close() {
    ScheduledExecutorService exec;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      exec = executor;
      if (tickTask != null) {
        tickTask.cancel(false);
      }
    }
    long now = ticker.read();
    for (SessionSlot slot : sessions.values()) {
      slot.closeAll(now, rules);
    }
    // Never started: the final flush still gets a thread of its own, so that a store that hangs cannot hold the
    // caller past closeTimeout.
    finalFlushOn(exec != null ? exec : Executors.newSingleThreadExecutor(config.threadFactory()));
    StoreHealth health = flusher.health();
    if (health.pendingSessions() > 0) {
      LOG.warn("{} - closed with {} sessions' newest values not stored (store: {})", config.replicaId(),
          health.pendingSessions(), health.lastErrorClass());
    }
  }

  private void finalFlushOn(ExecutorService exec) {
    Future<?> flush;
    try {
      flush = exec.submit(() -> flusher.tick(true));
    } catch (RuntimeException e) {
      // The thread factory refused (or failed to make) a thread: flush here rather than not at all.
      LOG.warn("{} - no thread for the final flush; flushing on the caller's thread", config.replicaId());
      exec.shutdown();
      flusher.tick(true);
      return;
    }
    try {
      flush.get(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
      exec.shutdown();
    } catch (TimeoutException e) {
      LOG.warn("{} - final flush did not finish within {}; stopping the flusher", config.replicaId(),
          config.closeTimeout());
      exec.shutdownNow();
    } catch (ExecutionException e) {
      LOG.error("{} - final flush failed", config.replicaId(), e.getCause());
      exec.shutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exec.shutdownNow();
    }
  }

  /**
   * One tick of the flusher thread, then the next one scheduled at a fixed rate: one {@code flushTick} after this one
   * started, so that the flush's own duration does not stretch the period (a transition waits at most one tick for
   * its write, docs/architecture.md#events). A tick that overran its period is followed at once, and ticks it missed
   * are not caught up.
   */
  private void scheduledTick() {
    long started = System.nanoTime();
    try {
      flusher.tick(false);
    } catch (Throwable e) {
      // Anything thrown out of here would end the schedule: persistence would stop for good.
      LOG.error("{} - flush tick failed", config.replicaId(), e);
    }
    long delay = delayToNextTick(config.flushTick().toNanos(), started, System.nanoTime());
    synchronized (lifecycle) {
      if (!closed) { // close() cancels the scheduled tick; one in progress must not schedule another
        tickTask = executor.schedule(this::scheduledTick, delay, TimeUnit.NANOSECONDS);
      }
    }
  }

  /**
   * The fixed rate of {@link #scheduledTick}: how long after a tick that started at {@code startedNanos} and ended at
   * {@code endedNanos} ({@link System#nanoTime()} values) the next one starts; 0 for a tick that overran its period.
   */
  static long delayToNextTick(long tickNanos, long startedNanos, long endedNanos) {
    return Math.max(0, tickNanos - (endedNanos - startedNanos));
  }

  /** One flush tick on the calling thread; tests drive the tracker with this and a fake ticker. */
  void tick() {
    flusher.tick(false);
  }

  /** Whether a slot is held for the session (for tests: it is let go once settled). */
  boolean holds(String sessionId) {
    return sessions.containsKey(sessionId);
  }

  /** Closed viewers a session still holds (for tests: memory kept through an outage); 0 if the session is gone. */
  int closedViewersHeld(String sessionId) {
    SessionSlot slot = sessions.get(sessionId);
    return slot == null ? 0 : slot.closedViewersHeld();
  }

  /** A change to a viewer with a policy: the next tick applies its session's policies (docs/architecture.md#policies). */
  private void policiesChanged(Viewer viewer) {
    if (!viewer.policy().isNone()) {
      flusher.policiesChanged();
    }
  }

  private static String idProblem(String name, String id) {
    if (id == null) {
      return name + " is null";
    }
    if (id.isBlank()) {
      return name + " is blank";
    }
    if (id.length() > MAX_ID_LENGTH) {
      return name + " is longer than " + MAX_ID_LENGTH + " characters: " + id.length();
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return name + " has a control character at index " + i;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "ActivityTracker[" + config.replicaId() + ", sessions=" + sessions.size() + "]";
  }
}
