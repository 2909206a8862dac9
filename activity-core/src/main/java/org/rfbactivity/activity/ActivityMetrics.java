package org.rfbactivity.activity;

/**
 * Counters and timers the tracker reports, with no-op defaults (HikariCP's {@code IMetricsTracker} habit): implement
 * only what you bind. proxy-app binds this to Micrometer.
 *
 * <p>Threading: {@link #blindViewer} is called from the intake thread that reported the inspection loss (not a hot
 * path); everything else from the flusher thread (or the thread calling {@code close()}). Implementations must not
 * block. None of these is called per input: input counts are reported as per-tick deltas.
 *
 * <p>Suggested names: {@code vnc_activity_updates_total} for {@link #rowsWritten} (tag {@code table}),
 * {@code vnc_activity_writes_suppressed_total}, {@code vnc_activity_inputs_total} (tag {@code kind}),
 * {@code vnc_activity_transitions_total} (tags {@code from}, {@code to}), {@code vnc_activity_flush_seconds},
 * {@code vnc_activity_store_errors_total} (tag {@code class}), {@code vnc_activity_blind_viewers_total} (tag
 * {@code reason}).
 */
public interface ActivityMetrics {

  /** {@return the metrics object that records nothing; the default} */
  static ActivityMetrics noop() {
    return NoopActivityMetrics.INSTANCE;
  }

  /**
   * {@code count} inputs of this kind arrived since the previous report (counted kinds or not).
   *
   * @param kind the input kind
   * @param count how many
   */
  default void inputs(InputKind kind, long count) {
  }

  /**
   * A session changed state.
   *
   * @param from the state before
   * @param to the state after
   */
  default void transition(ActivityState from, ActivityState to) {
  }

  /**
   * A store transaction committed: {@code sessionRows} rows of {@code rfb_session_activity} (each one a
   * {@code last_activity} update, plus the mirror statement if configured) and {@code viewerRows} rows of
   * {@code rfb_viewer} (upserts, heartbeats and deletes).
   *
   * @param sessionRows rows of {@code rfb_session_activity}
   * @param viewerRows rows of {@code rfb_viewer}
   */
  default void rowsWritten(long sessionRows, long viewerRows) {
  }

  /**
   * A committed {@code last_activity} raise covered {@code count + 1} counted inputs: {@code count} of them were
   * folded into it instead of being written on their own, as a write-per-input design would have done. Over a run
   * this is counted inputs minus {@code last_activity} writes that followed input.
   *
   * @param count the inputs folded into the raise
   */
  default void writesSuppressed(long count) {
  }

  /**
   * One flush (evaluate every session, deliver transitions, write what is due) took this long.
   *
   * @param durationNanos how long, in nanoseconds
   * @param storeWriteSucceeded whether its store write (if any) succeeded
   */
  default void flushCompleted(long durationNanos, boolean storeWriteSucceeded) {
  }

  /**
   * A store write failed, or one row of it was rejected and dropped. {@code errorClass} is the SQLSTATE class
   * ({@code "08"}, {@code "40"}, {@code "57"}, {@code "22"}, {@code "23"}, ...) or {@code "unknown"}.
   *
   * @param errorClass the SQLSTATE class, or {@code "unknown"}
   */
  default void storeError(String errorClass) {
  }

  /**
   * A viewer became blind (or was opened as not inspectable).
   *
   * @param reason the name given by the caller
   */
  default void blindViewer(String reason) {
  }
}
