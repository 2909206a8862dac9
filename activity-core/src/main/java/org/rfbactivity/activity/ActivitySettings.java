package org.rfbactivity.activity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;
import org.rfbactivity.activity.event.ActivityEventListener;
import org.rfbactivity.activity.store.ActivityStore;

/**
 * Every setting of {@link ActivityConfig.Builder}, in the order the README lists them: name, default, how the
 * default is documented, and the check of a given value. The rules between settings are {@link ActivityConfig.Rule}.
 * A test compares the README's table with {@link #ALL}.
 */
public final class ActivitySettings {

  /**
   * Longest duration any setting takes. Timers count nanoseconds in a long (292 years at most) and add durations to
   * the current time; a day is far beyond any sensible window or timeout, and far from any overflow.
   */
  public static final Duration MAX_DURATION = Duration.ofHours(24);
  /** Longest replica id: it is part of every viewer row's key. */
  public static final int MAX_REPLICA_ID_LENGTH = 128;

  /** A session is ACTIVE during {@code [activity, activity + activeWindow)}. */
  public static final ActivitySetting<Duration> ACTIVE_WINDOW = duration("activeWindow", Duration.ofSeconds(60));
  /** At most how often an active session's newest activity is written; the viewer rows' heartbeat. */
  public static final ActivitySetting<Duration> PERSIST_INTERVAL =
      duration("persistInterval", Duration.ofSeconds(30));
  /** How often the flusher evaluates every session and writes what is due. */
  public static final ActivitySetting<Duration> FLUSH_TICK = duration("flushTick", Duration.ofSeconds(1));
  /**
   * Longest pause between write attempts while the store fails. Unset, it is this default or the flush tick when
   * that is longer: pauses start at one tick, so a cap below the tick could only be refused.
   */
  public static final ActivitySetting<Duration> MAX_RETRY_BACKOFF =
      duration("maxRetryBackoff", Duration.ofSeconds(30), ", or `flushTick` when that is longer");
  /** How long {@link ActivityTracker#close()} waits for its final flush. */
  public static final ActivitySetting<Duration> CLOSE_TIMEOUT = duration("closeTimeout", Duration.ofSeconds(10));
  /**
   * Input kinds that count as activity. By default keyboard and pointer input: what a person at the desktop does.
   * Clipboard transfers, desktop resizes and protocol noise happen without one (a script, a window manager), and
   * SYNTHETIC input is a jiggler's, sent to look like one (docs/protocol.md#synthetic-input).
   */
  public static final ActivitySetting<Set<InputKind>> COUNTED_KINDS = countedKinds(EnumSet.of(InputKind.KEY_PRESS,
      InputKind.POINTER_MOVE, InputKind.POINTER_BUTTON, InputKind.POINTER_WHEEL));
  /** How a viewer whose stream cannot be inspected counts. */
  public static final ActivitySetting<BlindPolicy> BLIND_POLICY = new ActivitySetting<>("blindPolicy",
      () -> BlindPolicy.ACTIVE_WHILE_SENDING, "`" + BlindPolicy.ACTIVE_WHILE_SENDING + "`",
      value -> Objects.requireNonNull(value, "blindPolicy"));
  /**
   * This replica in viewer rows, by default the host name. Viewer rows are keyed by session, replica and viewer: the
   * rows a crashed replica left expire by themselves, and a restarted one that writes the same key replaces a stale
   * row with the truth, so the key needs no process id. What the replica id adds is which proxy holds a viewer. The
   * host name says that, stays the same across restarts (a machine's, container's or pod's name) and differs between
   * the machines or pods of a replicated deployment; a process id would rename the replica at every restart and is
   * the same in every container. Two proxies on one host are told apart by giving each its own id.
   */
  public static final ActivitySetting<String> REPLICA_ID = new ActivitySetting<>("replicaId",
      ActivitySettings::defaultReplicaId, "the host name", ActivitySettings::checkReplicaId);
  /** Source of monotonic nanoseconds for all timing. */
  public static final ActivitySetting<Ticker> TICKER = new ActivitySetting<>("ticker", Ticker::systemTicker,
      "`Ticker.systemTicker()` (`System.nanoTime`)", value -> Objects.requireNonNull(value, "ticker"));
  /** Turns ticker time into stored UTC instants. */
  public static final ActivitySetting<Clock> CLOCK = new ActivitySetting<>("clock", Clock::systemUTC,
      "`Clock.systemUTC()`", value -> Objects.requireNonNull(value, "clock"));
  /** Creates the one flusher thread; the default names it after the replica, so it is not a value of its own. */
  public static final ActivitySetting<ThreadFactory> THREAD_FACTORY = new ActivitySetting<>("threadFactory", null,
      "daemon thread `rfb-activity-flusher-<replicaId>`", value -> Objects.requireNonNull(value, "threadFactory"));
  /** Where activity is persisted. */
  public static final ActivitySetting<ActivityStore> STORE = new ActivitySetting<>("store", ActivityStore::none,
      "`ActivityStore.none()` (memory only)", value -> Objects.requireNonNull(value, "store"));
  /**
   * How many sessions without viewers the tracker remembers (state DISCONNECTED, its times, the cause), so that a
   * session it has seen, or one declared known, answers with its times rather than not at all; beyond this the one
   * that has been without viewers longest is forgotten first. 0 remembers none.
   */
  public static final ActivitySetting<Integer> RETAINED_SESSIONS = new ActivitySetting<>("retainedSessions",
      () -> 10_000, "10000", ActivitySettings::checkRetainedSessions);
  /** A transition listener (this replica's view, at each tick); may be given more than once. */
  public static final ActivitySetting<ActivityListener> LISTENER = new ActivitySetting<>("listener", null, "none",
      value -> Objects.requireNonNull(value, "listener"));
  /**
   * An event listener (docs/architecture.md#events): state changes as committed, viewer opens and closes. May be
   * given more than once.
   */
  public static final ActivitySetting<ActivityEventListener> EVENT_LISTENER = new ActivitySetting<>("eventListener",
      null, "none", value -> Objects.requireNonNull(value, "eventListener"));
  /**
   * The global policy (docs/architecture.md#policies): when viewers are closed for idleness, duration or blindness.
   * All off by default; a viewer may be given a stricter one at open.
   */
  public static final ActivitySetting<ViewerPolicy> POLICY = new ActivitySetting<>("policy", () -> ViewerPolicy.NONE,
      "`ViewerPolicy.NONE` (all off)", value -> Objects.requireNonNull(value, "policy"));
  /** How a policy's close reaches the application: called on the flusher thread, never under a lock. */
  public static final ActivitySetting<ViewerCloser> VIEWER_CLOSER = new ActivitySetting<>("viewerCloser",
      ViewerCloser::none, "`ViewerCloser.none()` (closes nothing)",
      value -> Objects.requireNonNull(value, "viewerCloser"));
  /** Counters and timers. */
  public static final ActivitySetting<ActivityMetrics> METRICS = new ActivitySetting<>("metrics",
      ActivityMetrics::noop, "`ActivityMetrics.noop()`", value -> Objects.requireNonNull(value, "metrics"));

  /** Every setting, in the README's order. */
  public static final List<ActivitySetting<?>> ALL = List.of(ACTIVE_WINDOW, PERSIST_INTERVAL, FLUSH_TICK,
      MAX_RETRY_BACKOFF, CLOSE_TIMEOUT, COUNTED_KINDS, BLIND_POLICY, RETAINED_SESSIONS, REPLICA_ID, TICKER, CLOCK, THREAD_FACTORY, STORE,
      LISTENER, EVENT_LISTENER, POLICY, VIEWER_CLOSER, METRICS);

  private ActivitySettings() {}

  private static Integer checkRetainedSessions(Integer value) {
    Objects.requireNonNull(value, "retainedSessions");
    requireArgument(value >= 0, "retainedSessions must be >= 0: " + value);
    return value;
  }

  private static ActivitySetting<Duration> duration(String name, Duration defaultValue) {
    return duration(name, defaultValue, "");
  }

  /** The README writes a default duration in seconds ({@code 60 s}), followed by {@code documentedRemark}. */
  private static ActivitySetting<Duration> duration(String name, Duration defaultValue, String documentedRemark) {
    return new ActivitySetting<>(name, () -> defaultValue, defaultValue.toSeconds() + " s" + documentedRemark,
        value -> checkDuration(name, value));
  }

  /** The README writes the default kinds in declaration order. */
  private static ActivitySetting<Set<InputKind>> countedKinds(EnumSet<InputKind> defaultValue) {
    Set<InputKind> copy = Set.copyOf(defaultValue);
    return new ActivitySetting<>("countedKinds", () -> copy,
        defaultValue.stream().map(Enum::name).collect(Collectors.joining(", ")), ActivitySettings::checkCountedKinds);
  }

  private static Duration checkDuration(String name, Duration d) {
    Objects.requireNonNull(d, name);
    requireArgument(!d.isNegative() && !d.isZero(), name + " must be > 0: " + d);
    requireArgument(d.compareTo(MAX_DURATION) <= 0, name + " must be <= " + MAX_DURATION + ": " + d);
    return d;
  }

  private static Set<InputKind> checkCountedKinds(Set<InputKind> kinds) {
    Objects.requireNonNull(kinds, "countedKinds");
    requireArgument(!kinds.isEmpty(), "countedKinds must not be empty");
    for (InputKind kind : kinds) {
      Objects.requireNonNull(kind, "countedKinds must not contain null");
    }
    requireArgument(!kinds.contains(InputKind.BLIND_TRAFFIC),
        "countedKinds must not contain BLIND_TRAFFIC (blindPolicy decides whether it counts)");
    return Set.copyOf(EnumSet.copyOf(kinds));
  }

  private static String checkReplicaId(String id) {
    Objects.requireNonNull(id, "replicaId");
    requireArgument(!id.isBlank(), "replicaId must not be blank");
    requireArgument(id.length() <= MAX_REPLICA_ID_LENGTH,
        "replicaId must be at most " + MAX_REPLICA_ID_LENGTH + " characters: " + id.length());
    requireArgument(id.chars().noneMatch(Character::isISOControl), "replicaId must not contain control characters");
    return id;
  }

  /** The host name ({@link #REPLICA_ID} says why), cut to the longest id a row takes. */
  private static String defaultReplicaId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      host = env == null || env.isBlank() ? "localhost" : env.trim();
    }
    return host.length() <= MAX_REPLICA_ID_LENGTH ? host : host.substring(0, MAX_REPLICA_ID_LENGTH);
  }

  private static void requireArgument(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
