package org.rfbactivity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.rfbactivity.activity.ActivityConfig;
import org.rfbactivity.activity.ActivityTracker;

/**
 * The scenario every example's test plays against a real Xvnc: a viewer connects (ACTIVE: opening is activity), its
 * active window passes without input (CONNECTED_IDLE), it types (ACTIVE), it leaves (DISCONNECTED). The time is the
 * test's, so every transition's instant is exact; the tracker's flusher ticks every 20 ms of real time.
 */
final class IdleActiveDisconnected {

  /** The tracker's default active window. */
  static final Duration WINDOW = Duration.ofSeconds(60);

  final ManualTime time;
  final RecordedTransitions transitions = new RecordedTransitions();

  IdleActiveDisconnected(ManualTime time) {
    this.time = time;
  }

  /** A tracker on the test's time that records its transitions, for {@code more} settings of the example's. */
  ActivityConfig.Builder config() {
    return ActivityConfig.builder().ticker(time.ticker()).clock(time.clock()).flushTick(Duration.ofMillis(20))
        .listener(transitions);
  }

  ActivityTracker startedTracker() {
    ActivityTracker tracker = new ActivityTracker(config().build());
    tracker.start();
    return tracker;
  }

  /** Waits until the tracker has delivered {@code count} transitions. */
  void awaitTransitions(int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> transitions.all().size() >= count);
  }

  /** The window passes without input. */
  void windowPasses() {
    time.advance(WINDOW);
  }

  /** The four lines, exactly, for the viewer the first transition names. */
  void assertIdleThenActiveThenDisconnected(String sessionId) {
    awaitTransitions(4);
    String viewer = transitions.all().get(0).causeViewerId();
    assertThat(viewer).isNotBlank();
    String opened = time.start().toString();
    String later = time.at(WINDOW).toString();
    assertThat(transitions.lines()).isEqualTo(List.of(
        sessionId + " DISCONNECTED -> ACTIVE at " + opened + " (VIEWER_OPENED, viewer " + viewer + ")",
        sessionId + " ACTIVE -> CONNECTED_IDLE at " + later + " (WINDOW_ELAPSED, viewer " + viewer + ")",
        sessionId + " CONNECTED_IDLE -> ACTIVE at " + later + " (INPUT, viewer " + viewer + ", KEY_PRESS)",
        sessionId + " ACTIVE -> DISCONNECTED at " + later + " (VIEWER_CLOSED, viewer " + viewer + ")"));
  }
}
