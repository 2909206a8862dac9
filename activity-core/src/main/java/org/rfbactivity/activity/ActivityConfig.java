package org.rfbactivity.activity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.rfbactivity.activity.store.ActivityStore;

/**
 * The immutable, validated configuration of an {@link ActivityTracker}, built by {@link #builder()} (Caffeine's
 * fail-fast builder, CAF-1: every setting may be set once, arguments are checked where they are given, and rules
 * that span settings are checked in {@link Builder#build()}). Every setting is listed with its default and meaning in
 * activity-core's README.
 */
public final class ActivityConfig {

  /** Default {@link Builder#activeWindow}. */
  public static final Duration DEFAULT_ACTIVE_WINDOW = Duration.ofSeconds(60);
  /** Default {@link Builder#persistInterval}. */
  public static final Duration DEFAULT_PERSIST_INTERVAL = Duration.ofSeconds(30);
  /** Default {@link Builder#flushTick}. */
  public static final Duration DEFAULT_FLUSH_TICK = Duration.ofSeconds(1);
  /** Default {@link Builder#maxRetryBackoff}. */
  public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofSeconds(30);
  /** Default {@link Builder#closeTimeout}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link Builder#countedKinds}: keyboard and pointer input (DESIGN.md §3, "Classification"). */
  public static final Set<InputKind> DEFAULT_COUNTED_KINDS = Set.copyOf(EnumSet.of(
      InputKind.KEY_PRESS, InputKind.POINTER_MOVE, InputKind.POINTER_BUTTON, InputKind.POINTER_WHEEL));
  /** Longest {@link Builder#replicaId}; it is part of every viewer row's key. */
  public static final int MAX_REPLICA_ID_LENGTH = 128;

  private final Duration activeWindow;
  private final Duration persistInterval;
  private final Duration flushTick;
  private final Duration maxRetryBackoff;
  private final Duration closeTimeout;
  private final Set<InputKind> countedKinds;
  private final BlindPolicy blindPolicy;
  private final String replicaId;
  private final Ticker ticker;
  private final Clock clock;
  private final ThreadFactory threadFactory;
  private final ActivityStore store;
  private final List<ActivityListener> listeners;
  private final ActivityMetrics metrics;

  private ActivityConfig(Builder b) {
    this.activeWindow = b.activeWindow == null ? DEFAULT_ACTIVE_WINDOW : b.activeWindow;
    this.persistInterval = b.persistInterval == null ? DEFAULT_PERSIST_INTERVAL : b.persistInterval;
    this.flushTick = b.flushTick == null ? DEFAULT_FLUSH_TICK : b.flushTick;
    this.maxRetryBackoff = b.maxRetryBackoff == null ? DEFAULT_MAX_RETRY_BACKOFF : b.maxRetryBackoff;
    this.closeTimeout = b.closeTimeout == null ? DEFAULT_CLOSE_TIMEOUT : b.closeTimeout;
    this.countedKinds = b.countedKinds == null ? DEFAULT_COUNTED_KINDS : b.countedKinds;
    this.blindPolicy = b.blindPolicy == null ? BlindPolicy.ACTIVE_WHILE_SENDING : b.blindPolicy;
    this.replicaId = b.replicaId == null ? defaultReplicaId() : b.replicaId;
    this.ticker = b.ticker == null ? Ticker.systemTicker() : b.ticker;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.threadFactory = b.threadFactory == null ? new FlusherThreadFactory(this.replicaId) : b.threadFactory;
    this.store = b.store == null ? ActivityStore.none() : b.store;
    this.listeners = List.copyOf(b.listeners);
    this.metrics = b.metrics == null ? ActivityMetrics.noop() : b.metrics;
  }

  /** A builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configuration with every setting at its default. */
  public static ActivityConfig defaults() {
    return builder().build();
  }

  public Duration activeWindow() {
    return activeWindow;
  }

  public Duration persistInterval() {
    return persistInterval;
  }

  public Duration flushTick() {
    return flushTick;
  }

  public Duration maxRetryBackoff() {
    return maxRetryBackoff;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  public Set<InputKind> countedKinds() {
    return countedKinds;
  }

  public BlindPolicy blindPolicy() {
    return blindPolicy;
  }

  /**
   * Whether input of this kind is activity: a kind of {@link #countedKinds()}, or {@link InputKind#BLIND_TRAFFIC}
   * under {@link BlindPolicy#ACTIVE_WHILE_SENDING}.
   */
  public boolean counts(InputKind kind) {
    return kind == InputKind.BLIND_TRAFFIC ? blindPolicy == BlindPolicy.ACTIVE_WHILE_SENDING
        : countedKinds.contains(kind);
  }

  public String replicaId() {
    return replicaId;
  }

  public Ticker ticker() {
    return ticker;
  }

  public Clock clock() {
    return clock;
  }

  public ThreadFactory threadFactory() {
    return threadFactory;
  }

  public ActivityStore store() {
    return store;
  }

  public List<ActivityListener> listeners() {
    return listeners;
  }

  public ActivityMetrics metrics() {
    return metrics;
  }

  @Override
  public String toString() {
    return "ActivityConfig[activeWindow=" + activeWindow + ", persistInterval=" + persistInterval
        + ", flushTick=" + flushTick + ", maxRetryBackoff=" + maxRetryBackoff + ", closeTimeout="
        + closeTimeout + ", countedKinds=" + countedKinds + ", blindPolicy=" + blindPolicy
        + ", replicaId=" + replicaId + ", store=" + store + ", listeners=" + listeners.size() + "]";
  }

  /** host:pid: unique per process, and readable for an operator looking at viewer rows. */
  private static String defaultReplicaId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    String id = host + ":" + ProcessHandle.current().pid();
    return id.length() <= MAX_REPLICA_ID_LENGTH ? id : id.substring(id.length() - MAX_REPLICA_ID_LENGTH);
  }

  /**
   * Builds an {@link ActivityConfig}. Every setting except {@link #listener} may be set once.
   */
  public static final class Builder {

    private Duration activeWindow;
    private Duration persistInterval;
    private Duration flushTick;
    private Duration maxRetryBackoff;
    private Duration closeTimeout;
    private Set<InputKind> countedKinds;
    private BlindPolicy blindPolicy;
    private String replicaId;
    private Ticker ticker;
    private Clock clock;
    private ThreadFactory threadFactory;
    private ActivityStore store;
    private final List<ActivityListener> listeners = new ArrayList<>();
    private ActivityMetrics metrics;

    private Builder() {
    }

    /**
     * How long after its newest activity a session stays {@link ActivityState#ACTIVE}; default 60 s. A session
     * is active during {@code [activity, activity + activeWindow)}.
     */
    public Builder activeWindow(Duration activeWindow) {
      requireState(this.activeWindow == null, "activeWindow was already set to %s", this.activeWindow);
      this.activeWindow = requirePositive(activeWindow, "activeWindow");
      return this;
    }

    /**
     * At most how often an active session's newest activity is written, and how often viewer rows are
     * refreshed (the heartbeat; a viewer row older than 3 × this counts as gone); default 30 s. Must be shorter
     * than {@link #activeWindow}, so the stored state of a busy session never lapses between two writes.
     */
    public Builder persistInterval(Duration persistInterval) {
      requireState(this.persistInterval == null, "persistInterval was already set to %s",
          this.persistInterval);
      this.persistInterval = requirePositive(persistInterval, "persistInterval");
      return this;
    }

    /**
     * How often the flusher evaluates every session, delivers transitions and writes what is due; default 1 s.
     * Transitions reach listeners and the database within one tick. At most {@link #persistInterval}.
     */
    public Builder flushTick(Duration flushTick) {
      requireState(this.flushTick == null, "flushTick was already set to %s", this.flushTick);
      this.flushTick = requirePositive(flushTick, "flushTick");
      return this;
    }

    /**
     * Longest pause between write attempts while the store fails; default 30 s. Pauses start at one
     * {@link #flushTick} and double per retryable failure; non-retryable failures wait this long at once. At
     * least {@link #flushTick}.
     */
    public Builder maxRetryBackoff(Duration maxRetryBackoff) {
      requireState(this.maxRetryBackoff == null, "maxRetryBackoff was already set to %s",
          this.maxRetryBackoff);
      this.maxRetryBackoff = requirePositive(maxRetryBackoff, "maxRetryBackoff");
      return this;
    }

    /** How long {@link ActivityTracker#close()} waits for its final flush; default 10 s. */
    public Builder closeTimeout(Duration closeTimeout) {
      requireState(this.closeTimeout == null, "closeTimeout was already set to %s", this.closeTimeout);
      this.closeTimeout = requirePositive(closeTimeout, "closeTimeout");
      return this;
    }

    /**
     * Input kinds that count as activity; default KEY_PRESS, POINTER_MOVE, POINTER_BUTTON, POINTER_WHEEL. Must
     * not be empty and must not hold {@link InputKind#BLIND_TRAFFIC}, which {@link #blindPolicy} alone decides on.
     * Every kind is still counted in snapshots and metrics.
     */
    public Builder countedKinds(Set<InputKind> countedKinds) {
      requireState(this.countedKinds == null, "countedKinds was already set to %s", this.countedKinds);
      Objects.requireNonNull(countedKinds, "countedKinds");
      requireArgument(!countedKinds.isEmpty(), "countedKinds must not be empty");
      for (InputKind kind : countedKinds) {
        Objects.requireNonNull(kind, "countedKinds must not contain null");
      }
      requireArgument(!countedKinds.contains(InputKind.BLIND_TRAFFIC),
          "countedKinds must not contain BLIND_TRAFFIC (blindPolicy decides whether it counts)");
      this.countedKinds = Set.copyOf(EnumSet.copyOf(countedKinds));
      return this;
    }

    /** How blind viewers count; default {@link BlindPolicy#ACTIVE_WHILE_SENDING}. */
    public Builder blindPolicy(BlindPolicy blindPolicy) {
      requireState(this.blindPolicy == null, "blindPolicy was already set to %s", this.blindPolicy);
      this.blindPolicy = Objects.requireNonNull(blindPolicy, "blindPolicy");
      return this;
    }

    /**
     * This proxy replica's id in viewer rows; default {@code host:pid}. Must be unique among the replicas
     * sharing a database, non-blank, at most {@value #MAX_REPLICA_ID_LENGTH} characters, no control characters.
     */
    public Builder replicaId(String replicaId) {
      requireState(this.replicaId == null, "replicaId was already set to %s", this.replicaId);
      Objects.requireNonNull(replicaId, "replicaId");
      requireArgument(!replicaId.isBlank(), "replicaId must not be blank");
      requireArgument(replicaId.length() <= MAX_REPLICA_ID_LENGTH,
          "replicaId must be at most " + MAX_REPLICA_ID_LENGTH + " characters: " + replicaId.length());
      requireArgument(replicaId.chars().noneMatch(Character::isISOControl),
          "replicaId must not contain control characters");
      this.replicaId = replicaId;
      return this;
    }

    /** Source of monotonic nanoseconds for all timing; default {@link Ticker#systemTicker()}. For tests. */
    public Builder ticker(Ticker ticker) {
      requireState(this.ticker == null, "ticker was already set to %s", this.ticker);
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Wall clock used to turn ticker time into stored UTC instants; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      requireState(this.clock == null, "clock was already set to %s", this.clock);
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Creates the one flusher thread at {@link ActivityTracker#start()}; default: a daemon thread named
     * {@code rfb-activity-flusher-<replicaId>}.
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      requireState(this.threadFactory == null, "threadFactory was already set to %s", this.threadFactory);
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    /** Where activity is persisted; default {@link ActivityStore#none()} (memory only). Not closed by the tracker. */
    public Builder store(ActivityStore store) {
      requireState(this.store == null, "store was already set to %s", this.store);
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Adds a transition listener; may be called more than once. Default: none. */
    public Builder listener(ActivityListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Metrics sink; default {@link ActivityMetrics#noop()}. */
    public Builder metrics(ActivityMetrics metrics) {
      requireState(this.metrics == null, "metrics was already set to %s", this.metrics);
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Checks the rules that span settings and builds.
     *
     * @throws IllegalArgumentException if persistInterval is not shorter than activeWindow, flushTick is longer
     *                                  than persistInterval, or maxRetryBackoff is shorter than flushTick
     */
    public ActivityConfig build() {
      // Checked on the built config, whose fields have the defaults filled in.
      ActivityConfig c = new ActivityConfig(this);
      requireArgument(c.persistInterval.compareTo(c.activeWindow) < 0,
          "persistInterval must be < activeWindow: " + c.persistInterval + " >= " + c.activeWindow);
      requireArgument(c.flushTick.compareTo(c.persistInterval) <= 0,
          "flushTick must be <= persistInterval: " + c.flushTick + " > " + c.persistInterval);
      requireArgument(c.maxRetryBackoff.compareTo(c.flushTick) >= 0,
          "maxRetryBackoff must be >= flushTick: " + c.maxRetryBackoff + " < " + c.flushTick);
      return c;
    }

    private static Duration requirePositive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      requireArgument(!d.isNegative() && !d.isZero(), name + " must be > 0: " + d);
      // Nanosecond arithmetic must not overflow: a day is far beyond any sensible value.
      requireArgument(d.compareTo(Duration.ofDays(1)) <= 0, name + " must be <= 1 day: " + d);
      return d;
    }

    private static void requireArgument(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }

    private static void requireState(boolean ok, String template, Object prior) {
      if (!ok) {
        throw new IllegalStateException(String.format(template, prior));
      }
    }
  }

  /** Named daemon threads, one per tracker start (HikariCP HIK-8). */
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
