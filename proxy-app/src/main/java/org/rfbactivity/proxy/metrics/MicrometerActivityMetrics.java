package org.rfbactivity.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.activity.ActivityMetrics;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.InputKind;

/**
 * The tracker's metrics in Micrometer, under the names activity-core suggests: {@code vnc_activity_updates_total}
 * (rows written, by table), {@code vnc_activity_writes_suppressed_total}, {@code vnc_activity_inputs_total{kind}},
 * {@code vnc_activity_transitions_total{from,to}}, {@code vnc_activity_flush_seconds{outcome}},
 * {@code vnc_activity_store_errors_total{class}}, {@code vnc_activity_blind_viewers_total{reason}}, and the gauge
 * {@code vnc_activity_sessions{state}} ({@link #sessionsByState}). The tracker
 * calls these from its flusher thread once per tick (never per input), so a map lookup per call is fine.
 */
public final class MicrometerActivityMetrics implements ActivityMetrics {

  private final MeterRegistry registry;
  private final Counter sessionRows;
  private final Counter viewerRows;
  private final Counter suppressed;
  private final Timer flushOk;
  private final Timer flushFailed;
  private final Counter[] inputs = new Counter[InputKind.values().length];
  private final ConcurrentMap<String, Counter> tagged = new ConcurrentHashMap<>();

  public MicrometerActivityMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.sessionRows = updates("rfb_session_activity");
    this.viewerRows = updates("rfb_viewer");
    this.suppressed = Counter.builder("vnc.activity.writes.suppressed")
        .description("Counted inputs folded into a later last_activity write instead of a write of their own")
        .register(registry);
    this.flushOk = flushTimer("ok");
    this.flushFailed = flushTimer("store_failed");
    for (InputKind kind : InputKind.values()) {
      // Registered up front so every kind shows, zeros included: a dashboard can tell "none" from "not reported".
      inputs[kind.ordinal()] = Counter.builder("vnc.activity.inputs")
          .description("Classified client input messages, by kind (counted as activity or not)")
          .tag("kind", kind.name())
          .register(registry);
    }
    for (ActivityState from : ActivityState.values()) {
      for (ActivityState to : ActivityState.values()) {
        if (from != to) {
          transitionCounter(from, to);
        }
      }
    }
  }

  /**
   * {@code vnc_activity_sessions{state}}: the tracker's sessions per state, every state from the start. Each scrape
   * reads the tracker's counts (O(1), no lock; docs/architecture.md#sessions-per-state), never walks its sessions.
   * The tag values are the state names, as in {@code vnc_activity_transitions_total}'s {@code from} and {@code to}.
   */
  public static void sessionsByState(MeterRegistry registry, ActivityTracker tracker) {
    for (ActivityState state : ActivityState.values()) {
      Gauge.builder("vnc.activity.sessions", tracker, t -> t.sessionsIn(state))
          .description("Sessions this replica knows, by state (as /api/sessions lists them)")
          .tag("state", state.name())
          .strongReference(true)
          .register(registry);
    }
  }

  private Counter updates(String table) {
    return Counter.builder("vnc.activity.updates")
        .description("Rows written to the activity store, by table")
        .tag("table", table)
        .register(registry);
  }

  private Timer flushTimer(String outcome) {
    return Timer.builder("vnc.activity.flush")
        .description("Duration of one flush tick (evaluate sessions, deliver transitions, write what is due)")
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter transitionCounter(ActivityState from, ActivityState to) {
    return tagged.computeIfAbsent("transition:" + from + ">" + to, k -> Counter.builder("vnc.activity.transitions")
        .description("Session state changes")
        .tag("from", from.name())
        .tag("to", to.name())
        .register(registry));
  }

  @Override
  public void inputs(InputKind kind, long count) {
    inputs[kind.ordinal()].increment(count);
  }

  @Override
  public void transition(ActivityState from, ActivityState to) {
    transitionCounter(from, to).increment();
  }

  @Override
  public void rowsWritten(long sessionRows, long viewerRows) {
    this.sessionRows.increment(sessionRows);
    this.viewerRows.increment(viewerRows);
  }

  @Override
  public void writesSuppressed(long count) {
    suppressed.increment(count);
  }

  @Override
  public void flushCompleted(long durationNanos, boolean storeWriteSucceeded) {
    (storeWriteSucceeded ? flushOk : flushFailed).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void storeError(String errorClass) {
    tagged.computeIfAbsent("error:" + errorClass, k -> Counter.builder("vnc.activity.store.errors")
        .description("Failed store writes and rejected rows, by SQLSTATE class")
        .tag("class", errorClass)
        .register(registry)).increment();
  }

  @Override
  public void blindViewer(String reason) {
    blindCounter(reason).increment();
  }

  /** Registers the blind reasons known in advance at zero (see {@link ProxyMetrics#declare}). */
  public void declareBlindReasons() {
    for (String reason : MetricTags.trackerBlindReasons()) {
      blindCounter(reason);
    }
  }

  private Counter blindCounter(String reason) {
    return tagged.computeIfAbsent("blind:" + reason, k -> Counter.builder("vnc.activity.blind.viewers")
        .description("Viewers that became blind (or were opened not inspectable), by reason")
        .tag("reason", reason.toLowerCase(Locale.ROOT))
        .register(registry));
  }
}
