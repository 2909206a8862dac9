package org.rfbactivity.activity;

import static org.rfbactivity.activity.ActivitySettings.ACTIVE_WINDOW;
import static org.rfbactivity.activity.ActivitySettings.BLIND_POLICY;
import static org.rfbactivity.activity.ActivitySettings.CLOCK;
import static org.rfbactivity.activity.ActivitySettings.CLOSE_TIMEOUT;
import static org.rfbactivity.activity.ActivitySettings.COUNTED_KINDS;
import static org.rfbactivity.activity.ActivitySettings.FLUSH_TICK;
import static org.rfbactivity.activity.ActivitySettings.EVENT_LISTENER;
import static org.rfbactivity.activity.ActivitySettings.LISTENER;
import static org.rfbactivity.activity.ActivitySettings.MAX_RETRY_BACKOFF;
import static org.rfbactivity.activity.ActivitySettings.METRICS;
import static org.rfbactivity.activity.ActivitySettings.PERSIST_INTERVAL;
import static org.rfbactivity.activity.ActivitySettings.POLICY;
import static org.rfbactivity.activity.ActivitySettings.REPLICA_ID;
import static org.rfbactivity.activity.ActivitySettings.RETAINED_SESSIONS;
import static org.rfbactivity.activity.ActivitySettings.STORE;
import static org.rfbactivity.activity.ActivitySettings.THREAD_FACTORY;
import static org.rfbactivity.activity.ActivitySettings.TICKER;
import static org.rfbactivity.activity.ActivitySettings.VIEWER_CLOSER;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.rfbactivity.activity.event.ActivityEventListener;
import org.rfbactivity.activity.store.ActivityStore;

/**
 * The immutable, validated configuration of an {@link ActivityTracker}, built by {@link #builder()} (a fail-fast
 * builder, docs/style.md#fail-fast-builders: every setting may be set once, arguments are checked where they are
 * given, and rules that span settings are checked in {@link Builder#build()}). Each setting's name, default and check
 * are defined in {@link ActivitySettings}, the rules between settings in {@link Rule}. The class is long only because
 * it holds a field, an accessor and a builder method for each setting, and the builder's checks.
 */
public final class ActivityConfig {

  private final Duration activeWindow;
  private final Duration persistInterval;
  private final Duration flushTick;
  private final Duration maxRetryBackoff;
  private final Duration closeTimeout;
  private final Set<InputKind> countedKinds;
  private final BlindPolicy blindPolicy;
  private final int retainedSessions;
  private final String replicaId;
  private final Ticker ticker;
  private final Clock clock;
  private final ThreadFactory threadFactory;
  private final ActivityStore store;
  private final List<ActivityListener> listeners;
  private final List<ActivityEventListener> eventListeners;
  private final ViewerPolicy policy;
  private final ViewerCloser viewerCloser;
  private final ActivityMetrics metrics;

  private ActivityConfig(Builder b) {
    this.activeWindow = ACTIVE_WINDOW.orDefault(b.activeWindow);
    this.persistInterval = PERSIST_INTERVAL.orDefault(b.persistInterval);
    this.flushTick = FLUSH_TICK.orDefault(b.flushTick);
    // Unset, the cap follows a tick that is longer than its default (ActivitySettings.MAX_RETRY_BACKOFF says why).
    Duration cap = MAX_RETRY_BACKOFF.defaultValue();
    this.maxRetryBackoff = b.maxRetryBackoff != null ? b.maxRetryBackoff
        : flushTick.compareTo(cap) > 0 ? flushTick : cap;
    this.closeTimeout = CLOSE_TIMEOUT.orDefault(b.closeTimeout);
    this.countedKinds = COUNTED_KINDS.orDefault(b.countedKinds);
    this.blindPolicy = BLIND_POLICY.orDefault(b.blindPolicy);
    this.retainedSessions = RETAINED_SESSIONS.orDefault(b.retainedSessions);
    this.replicaId = REPLICA_ID.orDefault(b.replicaId);
    this.ticker = TICKER.orDefault(b.ticker);
    this.clock = CLOCK.orDefault(b.clock);
    this.threadFactory = b.threadFactory == null ? new FlusherThreadFactory(this.replicaId) : b.threadFactory;
    this.store = STORE.orDefault(b.store);
    this.listeners = List.copyOf(b.listeners);
    this.eventListeners = List.copyOf(b.eventListeners);
    this.policy = POLICY.orDefault(b.policy);
    this.viewerCloser = VIEWER_CLOSER.orDefault(b.viewerCloser);
    this.metrics = METRICS.orDefault(b.metrics);
  }

  /** {@return a builder with every setting at its default} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the configuration with every setting at its default} */
  public static ActivityConfig defaults() {
    return builder().build();
  }

  /** {@return how long after its newest activity a session stays ACTIVE (see {@link Builder#activeWindow})} */
  public Duration activeWindow() {
    return activeWindow;
  }

  /**
   * {@return how often an active session's newest activity, and every viewer row, is written (see
   * {@link Builder#persistInterval})}
   */
  public Duration persistInterval() {
    return persistInterval;
  }

  /** {@return how often the flusher evaluates, delivers and writes (see {@link Builder#flushTick})} */
  public Duration flushTick() {
    return flushTick;
  }

  /** {@return the longest pause between write attempts while the store fails (see {@link Builder#maxRetryBackoff})} */
  public Duration maxRetryBackoff() {
    return maxRetryBackoff;
  }

  /** {@return how long {@link ActivityTracker#close()} waits for its final flush (see {@link Builder#closeTimeout})} */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** {@return the input kinds that are activity (see {@link Builder#countedKinds})} */
  public Set<InputKind> countedKinds() {
    return countedKinds;
  }

  /** {@return how viewers that cannot be inspected count (see {@link Builder#blindPolicy})} */
  public BlindPolicy blindPolicy() {
    return blindPolicy;
  }

  /**
   * Whether input of this kind is activity: a kind of {@link #countedKinds()}, or {@link InputKind#BLIND_TRAFFIC}
   * under {@link BlindPolicy#ACTIVE_WHILE_SENDING}.
   *
   * @param kind an input kind
   * @return whether it is activity
   */
  public boolean counts(InputKind kind) {
    return kind == InputKind.BLIND_TRAFFIC ? blindPolicy == BlindPolicy.ACTIVE_WHILE_SENDING
        : countedKinds.contains(kind);
  }

  /** {@return sessions without viewers remembered ({@link ActivitySettings#RETAINED_SESSIONS})} */
  public int retainedSessions() {
    return retainedSessions;
  }

  /** {@return this replica's name in viewer rows and events (see {@link Builder#replicaId})} */
  public String replicaId() {
    return replicaId;
  }

  /** {@return the source of all timing (see {@link Builder#ticker})} */
  public Ticker ticker() {
    return ticker;
  }

  /** {@return the wall clock that turns ticker time into UTC instants (see {@link Builder#clock})} */
  public Clock clock() {
    return clock;
  }

  /**
   * {@return what creates the flusher thread at {@link ActivityTracker#start()} (see {@link Builder#threadFactory})}
   */
  public ThreadFactory threadFactory() {
    return threadFactory;
  }

  /** {@return where activity is persisted (see {@link Builder#store})} */
  public ActivityStore store() {
    return store;
  }

  /** {@return the transition listeners, in the order added} */
  public List<ActivityListener> listeners() {
    return listeners;
  }

  /** {@return event listeners (docs/architecture.md#events), in the order added} */
  public List<ActivityEventListener> eventListeners() {
    return eventListeners;
  }

  /**
   * {@return the global policy (docs/architecture.md#policies); a viewer follows it or a stricter one given at open}
   */
  public ViewerPolicy policy() {
    return policy;
  }

  /** {@return how a policy's close reaches the application (docs/architecture.md#policies)} */
  public ViewerCloser viewerCloser() {
    return viewerCloser;
  }

  /** {@return the metrics sink (see {@link Builder#metrics})} */
  public ActivityMetrics metrics() {
    return metrics;
  }

  @Override
  public String toString() {
    return "ActivityConfig[activeWindow=" + activeWindow + ", persistInterval=" + persistInterval
        + ", flushTick=" + flushTick + ", maxRetryBackoff=" + maxRetryBackoff + ", closeTimeout="
        + closeTimeout + ", countedKinds=" + countedKinds + ", blindPolicy=" + blindPolicy
        + ", replicaId=" + replicaId + ", store=" + store + ", listeners=" + listeners.size()
        + ", eventListeners=" + eventListeners.size() + ", policy=" + policy + "]";
  }

  /**
   * Builds an {@link ActivityConfig}. Every setting except {@link #listener} and {@link #eventListener} may be set once.
   */
  public static final class Builder {

    private Duration activeWindow;
    private Duration persistInterval;
    private Duration flushTick;
    private Duration maxRetryBackoff;
    private Duration closeTimeout;
    private Set<InputKind> countedKinds;
    private BlindPolicy blindPolicy;
    private Integer retainedSessions;
    private String replicaId;
    private Ticker ticker;
    private Clock clock;
    private ThreadFactory threadFactory;
    private ActivityStore store;
    private final List<ActivityListener> listeners = new ArrayList<>();
    private final List<ActivityEventListener> eventListeners = new ArrayList<>();
    private ViewerPolicy policy;
    private ViewerCloser viewerCloser;
    private ActivityMetrics metrics;

    private Builder() {
    }

    /**
     * How long after its newest activity a session stays {@link ActivityState#ACTIVE}:
     * {@link ActivitySettings#ACTIVE_WINDOW}.
     *
     * @param activeWindow the active window
     * @return this builder
     */
    public Builder activeWindow(Duration activeWindow) {
      this.activeWindow = setOnce(ACTIVE_WINDOW, this.activeWindow, activeWindow);
      return this;
    }

    /**
     * At most how often an active session's newest activity is written, and how often viewer rows are
     * refreshed (the heartbeat; a viewer row older than 3 × this counts as gone):
     * {@link ActivitySettings#PERSIST_INTERVAL}. Must be shorter than {@link #activeWindow}
     * ({@link Rule#PERSIST_BEFORE_IDLE}).
     *
     * @param persistInterval the persist interval
     * @return this builder
     */
    public Builder persistInterval(Duration persistInterval) {
      this.persistInterval = setOnce(PERSIST_INTERVAL, this.persistInterval, persistInterval);
      return this;
    }

    /**
     * How often the flusher evaluates every session, delivers transitions and writes what is due
     * ({@link ActivitySettings#FLUSH_TICK}). Transitions reach listeners and the database within one tick. At most
     * {@link #persistInterval} ({@link Rule#TICK_WITHIN_PERSIST}).
     *
     * @param flushTick the flush tick
     * @return this builder
     */
    public Builder flushTick(Duration flushTick) {
      this.flushTick = setOnce(FLUSH_TICK, this.flushTick, flushTick);
      return this;
    }

    /**
     * Longest pause between write attempts while the store fails ({@link ActivitySettings#MAX_RETRY_BACKOFF}).
     * Pauses start at one {@link #flushTick} and double per retryable failure; non-retryable failures wait this long
     * at once. At least {@link #flushTick} ({@link Rule#BACKOFF_FROM_TICK}).
     *
     * @param maxRetryBackoff the max retry backoff
     * @return this builder
     */
    public Builder maxRetryBackoff(Duration maxRetryBackoff) {
      this.maxRetryBackoff = setOnce(MAX_RETRY_BACKOFF, this.maxRetryBackoff, maxRetryBackoff);
      return this;
    }

    /**
     * How long {@link ActivityTracker#close()} waits for its final flush: {@link ActivitySettings#CLOSE_TIMEOUT}.
     *
     * @param closeTimeout the close timeout
     * @return this builder
     */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = setOnce(CLOSE_TIMEOUT, this.closeTimeout, closeTimeout);
      return this;
    }

    /**
     * Input kinds that count as activity ({@link ActivitySettings#COUNTED_KINDS}). Must not be empty and must not
     * hold {@link InputKind#BLIND_TRAFFIC}, which {@link #blindPolicy} alone decides on. Every kind is still counted
     * in snapshots and metrics.
     *
     * @param countedKinds the counted kinds
     * @return this builder
     */
    public Builder countedKinds(Set<InputKind> countedKinds) {
      this.countedKinds = setOnce(COUNTED_KINDS, this.countedKinds, countedKinds);
      return this;
    }

    /**
     * How blind viewers count: {@link ActivitySettings#BLIND_POLICY}.
     *
     * @param blindPolicy the blind policy
     * @return this builder
     */
    public Builder blindPolicy(BlindPolicy blindPolicy) {
      this.blindPolicy = setOnce(BLIND_POLICY, this.blindPolicy, blindPolicy);
      return this;
    }

    /**
     * How many sessions without viewers are remembered ({@link ActivitySettings#RETAINED_SESSIONS}): they answer
     * {@link ActivityTracker#snapshot} as DISCONNECTED with their times. The one without viewers longest goes first.
     *
     * @param retainedSessions the retained sessions
     * @return this builder
     */
    public Builder retainedSessions(int retainedSessions) {
      this.retainedSessions = setOnce(RETAINED_SESSIONS, this.retainedSessions, retainedSessions);
      return this;
    }

    /**
     * This proxy replica's id in viewer rows ({@link ActivitySettings#REPLICA_ID}, the host name by default):
     * non-blank, at most {@value ActivitySettings#MAX_REPLICA_ID_LENGTH} characters, no control characters.
     *
     * @param replicaId the replica id
     * @return this builder
     */
    public Builder replicaId(String replicaId) {
      this.replicaId = setOnce(REPLICA_ID, this.replicaId, replicaId);
      return this;
    }

    /**
     * Source of monotonic nanoseconds for all timing ({@link ActivitySettings#TICKER}). For tests.
     *
     * @param ticker the ticker
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = setOnce(TICKER, this.ticker, ticker);
      return this;
    }

    /**
     * Wall clock used to turn ticker time into stored UTC instants: {@link ActivitySettings#CLOCK}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = setOnce(CLOCK, this.clock, clock);
      return this;
    }

    /**
     * Creates the one flusher thread at {@link ActivityTracker#start()}; default: a daemon thread named
     * {@code rfb-activity-flusher-<replicaId>}.
     *
     * @param threadFactory the thread factory
     * @return this builder
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = setOnce(THREAD_FACTORY, this.threadFactory, threadFactory);
      return this;
    }

    /**
     * Where activity is persisted ({@link ActivitySettings#STORE}: memory only). Not closed by the tracker.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(ActivityStore store) {
      this.store = setOnce(STORE, this.store, store);
      return this;
    }

    /**
     * Adds a transition listener; may be called more than once. Default: none.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ActivityListener listener) {
      listeners.add(LISTENER.check(listener));
      return this;
    }

    /**
     * Adds an event listener (docs/architecture.md#events); may be called more than once. Default: none. With a
     * database store it hears each event after the flush that records it commits; without one, at the tick that
     * evaluated it.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder eventListener(ActivityEventListener listener) {
      eventListeners.add(EVENT_LISTENER.check(listener));
      return this;
    }

    /**
     * The global policy ({@link ActivitySettings#POLICY}, docs/architecture.md#policies): when viewers are closed for
     * idleness, duration or blindness. A policy that is on needs a {@link #viewerCloser}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(ViewerPolicy policy) {
      this.policy = setOnce(POLICY, this.policy, policy);
      return this;
    }

    /**
     * How a policy's close reaches the application ({@link ActivitySettings#VIEWER_CLOSER}): called on the flusher
     * thread, without a session's lock held, at most once per viewer and reason.
     *
     * @param viewerCloser the viewer closer
     * @return this builder
     */
    public Builder viewerCloser(ViewerCloser viewerCloser) {
      this.viewerCloser = setOnce(VIEWER_CLOSER, this.viewerCloser, viewerCloser);
      return this;
    }

    /**
     * Metrics sink: {@link ActivitySettings#METRICS}.
     *
     * @param metrics the metrics
     * @return this builder
     */
    public Builder metrics(ActivityMetrics metrics) {
      this.metrics = setOnce(METRICS, this.metrics, metrics);
      return this;
    }

    /**
     * Checks the rules that span settings ({@link Rule}, in their order) and builds.
     *
     * @return the immutable configuration
     * @throws RuleViolation for the first rule the settings break
     * @throws IllegalArgumentException for a {@link #policy} that is on without a {@link #viewerCloser}
     */
    public ActivityConfig build() {
      // Checked on the built config, whose fields have the defaults filled in.
      ActivityConfig c = new ActivityConfig(this);
      for (Rule rule : Rule.values()) {
        rule.check(c);
      }
      if (!c.policy.isNone() && viewerCloser == null) {
        // A policy nobody acts on would announce closes that never come.
        throw new IllegalArgumentException("policy needs a viewerCloser: " + c.policy);
      }
      return c;
    }

    private static <T> T setOnce(ActivitySetting<T> setting, T prior, T value) {
      if (prior != null) {
        throw new IllegalStateException(setting.name() + " was already set to " + prior);
      }
      return setting.check(value);
    }
  }

  /**
   * The rules between settings, checked by {@link Builder#build()} in this order. Public so that an embedder that
   * gives the settings names of its own reports a broken rule in those names ({@link RuleViolation}) instead of
   * restating the rule.
   */
  public enum Rule {
    /** A busy session is written before it can turn idle, so its stored state never lapses between two writes. */
    PERSIST_BEFORE_IDLE(PERSIST_INTERVAL, ActivityConfig::persistInterval, Relation.SHORTER_THAN, ACTIVE_WINDOW,
        ActivityConfig::activeWindow),
    /** Ticks come often enough to honour the persist interval. */
    TICK_WITHIN_PERSIST(FLUSH_TICK, ActivityConfig::flushTick, Relation.NOT_LONGER_THAN, PERSIST_INTERVAL,
        ActivityConfig::persistInterval),
    /** Pauses between write attempts start at one tick, so the longest pause cannot be shorter than a tick. */
    BACKOFF_FROM_TICK(MAX_RETRY_BACKOFF, ActivityConfig::maxRetryBackoff, Relation.NOT_SHORTER_THAN, FLUSH_TICK,
        ActivityConfig::flushTick);

    private final ActivitySetting<Duration> setting;
    private final Function<ActivityConfig, Duration> value;
    private final Relation relation;
    private final ActivitySetting<Duration> other;
    private final Function<ActivityConfig, Duration> otherValue;

    Rule(ActivitySetting<Duration> setting, Function<ActivityConfig, Duration> value, Relation relation,
        ActivitySetting<Duration> other, Function<ActivityConfig, Duration> otherValue) {
      this.setting = setting;
      this.value = value;
      this.relation = relation;
      this.other = other;
      this.otherValue = otherValue;
    }

    /** {@return the setting the rule bounds, and the one a violation is reported on} */
    public ActivitySetting<Duration> setting() {
      return setting;
    }

    /** {@return how the setting must compare with the other} */
    public Relation relation() {
      return relation;
    }

    /** {@return the setting it is bounded by} */
    public ActivitySetting<Duration> other() {
      return other;
    }

    private void check(ActivityConfig config) {
      Duration v = value.apply(config);
      Duration o = otherValue.apply(config);
      if (!relation.holds(v.compareTo(o))) {
        throw new RuleViolation(this, v, o);
      }
    }

    /** How a rule's setting must compare with the other one, in symbols and in words. */
    public enum Relation {
      /** {@code <}. */
      SHORTER_THAN("<", ">=", "shorter than", "must be shorter than"),
      /** {@code <=}. */
      NOT_LONGER_THAN("<=", ">", "not longer than", "must not be longer than"),
      /** {@code >=}. */
      NOT_SHORTER_THAN(">=", "<", "not shorter than", "must not be shorter than");

      private final String symbol;
      private final String negation;
      private final String phrase;
      private final String requirement;

      Relation(String symbol, String negation, String phrase, String requirement) {
        this.symbol = symbol;
        this.negation = negation;
        this.phrase = phrase;
        this.requirement = requirement;
      }

      String symbol() {
        return symbol;
      }

      String negation() {
        return negation;
      }

      /** {@return in words, e.g. {@code shorter than}, as in "persistInterval shorter than activeWindow"} */
      public String phrase() {
        return phrase;
      }

      /** {@return what a violation says, e.g. {@code must be shorter than}, {@code must not be longer than}} */
      public String requirement() {
        return requirement;
      }

      private boolean holds(int comparison) {
        return switch (this) {
          case SHORTER_THAN -> comparison < 0;
          case NOT_LONGER_THAN -> comparison <= 0;
          case NOT_SHORTER_THAN -> comparison >= 0;
        };
      }
    }
  }

  /** Named daemon threads, one per tracker start (docs/style.md#threads-are-owned-and-named). */
  private static final class FlusherThreadFactory implements ThreadFactory {
    private final String name;
    private final AtomicInteger count = new AtomicInteger();

    FlusherThreadFactory(String replicaId) {
      this.name = "rfb-activity-flusher-" + replicaId;
    }

    @Override
    public Thread newThread(Runnable r) {
      int n = count.getAndIncrement();
      Thread t = new Thread(r, n == 0 ? name : name + "-" + n);
      t.setDaemon(true);
      return t;
    }

    @Override
    public String toString() {
      return "FlusherThreadFactory[" + name + "]";
    }
  }
}
