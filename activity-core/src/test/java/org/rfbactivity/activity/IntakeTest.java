package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Intake never throws at its callers (event loops) and ignores what it cannot use. */
class IntakeTest {

  private final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final RecordingListener listener = new RecordingListener();
  private final ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
      .clock(time.clock()).replicaId("r1").listener(listener).build());

  @Test
  void nullArgumentsAreIgnored() {
    Viewer viewer = tracker.viewerOpened("s", "a", null, true);
    assertThatCode(() -> {
      tracker.input(null, InputKind.KEY_PRESS);
      tracker.input(viewer, null);
      tracker.inspectionLost(null, "TLS");
      tracker.viewerAttribute(null, "k", "v");
      tracker.viewerAttribute(viewer, null, "v");
      tracker.viewerClosed(null);
    }).doesNotThrowAnyException();
    assertThat(tracker.snapshot(null)).isEmpty();
    assertThat(tracker.snapshot("s").orElseThrow().inputCounts().values()).containsOnly(0L);
  }

  @Test
  void badIdsGiveADetachedHandleThatEverythingIgnores() {
    for (String[] ids : new String[][] {{null, "a"}, {"s", null}, {" ", "a"}, {"s", ""}, {"x".repeat(257), "a"},
        {"s", "a\u0000b"}, {"s\r\n", "a"}}) {
      Viewer viewer = tracker.viewerOpened(ids[0], ids[1], Map.of(), true);
      assertThat(viewer.sessionId()).isNull();
      tracker.input(viewer, InputKind.KEY_PRESS);
      tracker.inspectionLost(viewer, "TLS");
      tracker.viewerAttribute(viewer, "k", "v");
      tracker.viewerClosed(viewer);
    }
    assertThat(tracker.snapshots()).isEmpty();
    tracker.tick();
    assertThat(listener.transitions()).isEmpty();
    assertThat(tracker.viewerOpened("x".repeat(256), "a", Map.of(), true).sessionId()).hasSize(256);
  }

  @Test
  void inputAfterCloseIsNotCounted() {
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    Viewer b = tracker.viewerOpened("s", "b", Map.of(), true);
    tracker.input(a, InputKind.KEY_PRESS);
    tracker.viewerClosed(a);
    time.advance(Duration.ofSeconds(5));
    tracker.input(a, InputKind.KEY_PRESS);
    tracker.input(a, InputKind.NOISE);
    SessionSnapshot snapshot = tracker.snapshot("s").orElseThrow();
    assertThat(snapshot.inputCounts().get(InputKind.KEY_PRESS)).isEqualTo(1);
    assertThat(snapshot.inputCounts().get(InputKind.NOISE)).isZero();
    assertThat(snapshot.lastActivity()).isEqualTo(time.origin());
    tracker.viewerClosed(b);
  }

  @Test
  void closingTwiceIsHarmless() {
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.viewerClosed(a);
    tracker.viewerClosed(a);
    tracker.tick();
    assertThat(listener.transitions()).extracting(ActivityTransition::to)
        .containsExactly(ActivityState.ACTIVE, ActivityState.DISCONNECTED);
  }

  @Test
  void intakeAfterCloseIsIgnored() {
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.close();
    tracker.input(a, InputKind.KEY_PRESS);
    Viewer late = tracker.viewerOpened("t", "b", Map.of(), true);
    assertThat(late.sessionId()).isNull();
    assertThat(tracker.snapshots()).singleElement().satisfies(s -> {
      assertThat(s.sessionId()).isEqualTo("s");
      assertThat(s.state()).isEqualTo(ActivityState.DISCONNECTED);
      assertThat(s.viewers()).isEmpty();
    });
  }

  @Test
  void attributesAreCopiedAndBounded() {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      given.put(String.format("k%02d", i), "v" + i);
    }
    given.put("long", "x".repeat(300));
    given.put("k".repeat(65), "dropped");
    given.put("nullValue", null);
    Viewer viewer = tracker.viewerOpened("s", "a", given, true);
    given.clear();
    Map<String, String> attributes = tracker.snapshot("s").orElseThrow().viewers().get(0).attributes();
    assertThat(attributes).hasSize(Attributes.MAX_ENTRIES).doesNotContainKey("k".repeat(65))
        .doesNotContainKey("nullValue");
    assertThat(attributes.values()).allMatch(v -> v.length() <= Attributes.MAX_VALUE_LENGTH);

    ActivityTracker other = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
        .clock(time.clock()).replicaId("r2").build());
    Viewer v = other.viewerOpened("s", "a", Map.of("remote", "10.0.0.1:5555"), true);
    other.viewerAttribute(v, "version", "3.8");
    other.viewerAttribute(v, "security", "VncAuth");
    other.viewerAttribute(v, "remote", null);
    assertThat(other.snapshot("s").orElseThrow().viewers().get(0).attributes())
        .containsExactly(Map.entry("security", "VncAuth"), Map.entry("version", "3.8"));
    tracker.viewerClosed(viewer);
  }

  @Test
  void aBrokenTickerNeverReachesTheCaller() {
    AtomicBoolean broken = new AtomicBoolean();
    ActivityTracker fragile = new ActivityTracker(ActivityConfig.builder().replicaId("r3").ticker(() -> {
      if (broken.get()) {
        throw new IllegalStateException("ticker broke");
      }
      return time.nanos();
    }).clock(time.clock()).build());
    Viewer viewer = fragile.viewerOpened("s", "a", Map.of(), true);
    broken.set(true);
    assertThatCode(() -> {
      fragile.input(viewer, InputKind.KEY_PRESS);
      fragile.input(viewer, InputKind.KEY_PRESS);
      fragile.inspectionLost(viewer, "TLS");
      fragile.viewerClosed(viewer);
      assertThat(fragile.viewerOpened("s", "b", Map.of(), true).sessionId()).isNull();
    }).doesNotThrowAnyException();
  }
}
