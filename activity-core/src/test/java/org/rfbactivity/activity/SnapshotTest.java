package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {

  private final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
      .clock(time.clock()).replicaId("r1").build());

  @Test
  void sessionAndViewerSnapshotsSayWhatHappened() {
    Viewer b = tracker.viewerOpened("s", "b", Map.of("remote", "10.0.0.2:1"), true);
    time.advance(Duration.ofSeconds(1));
    Viewer a = tracker.viewerOpened("s", "a", Map.of("remote", "10.0.0.1:1"), true);
    time.advance(Duration.ofMillis(500));
    tracker.input(a, InputKind.KEY_PRESS);
    tracker.input(a, InputKind.KEY_RELEASE);
    tracker.input(a, InputKind.NOISE);
    time.advance(Duration.ofMillis(500));
    tracker.input(b, InputKind.POINTER_MOVE);
    tracker.input(b, InputKind.CLIPBOARD);
    time.advance(Duration.ofSeconds(1));
    tracker.inspectionLost(b, "TLS");
    tracker.input(b, InputKind.BLIND_TRAFFIC);

    SessionSnapshot s = tracker.snapshot("s").orElseThrow();
    assertThat(s.sessionId()).isEqualTo("s");
    assertThat(s.state()).isEqualTo(ActivityState.ACTIVE);
    assertThat(s.stateSince()).isEqualTo(time.origin());
    // b is blind: what it sends is its activity (counted under the default blind policy).
    assertThat(s.lastActivity()).isEqualTo(time.at(Duration.ofSeconds(3)));
    assertThat(s.lastInputKind()).isEqualTo(InputKind.BLIND_TRAFFIC);
    assertThat(s.allViewersInspectable()).isFalse();
    assertThat(s.inputCounts()).containsExactlyEntriesOf(counts(1, 1, 1, 0, 0, 1, 0, 1, 0, 1));

    assertThat(s.viewers()).extracting(ViewerSnapshot::viewerId).containsExactly("a", "b");
    ViewerSnapshot va = s.viewers().get(0);
    assertThat(va.state()).isEqualTo(ActivityState.ACTIVE);
    assertThat(va.inspectable()).isTrue();
    assertThat(va.blindReason()).isNull();
    assertThat(va.connectedSince()).isEqualTo(time.at(Duration.ofSeconds(1)));
    assertThat(va.lastActivity()).isEqualTo(time.at(Duration.ofMillis(1500)));
    assertThat(va.lastInputKind()).isEqualTo(InputKind.KEY_PRESS);
    assertThat(va.attributes()).containsExactly(Map.entry("remote", "10.0.0.1:1"));
    assertThat(va.inputCounts()).containsExactlyEntriesOf(counts(1, 1, 0, 0, 0, 0, 0, 1, 0, 0));
    ViewerSnapshot vb = s.viewers().get(1);
    assertThat(vb.inspectable()).isFalse();
    assertThat(vb.blindReason()).isEqualTo("TLS");
    assertThat(vb.lastActivity()).isEqualTo(time.at(Duration.ofSeconds(3)));
    assertThat(vb.lastInputKind()).isEqualTo(InputKind.BLIND_TRAFFIC);

    tracker.viewerClosed(b);
    SessionSnapshot afterClose = tracker.snapshot("s").orElseThrow();
    assertThat(afterClose.inputCounts()).as("closed viewers' inputs still count")
        .containsExactlyEntriesOf(counts(1, 1, 1, 0, 0, 1, 0, 1, 0, 1));
    assertThat(afterClose.allViewersInspectable()).isTrue();
  }

  @Test
  void snapshotsAreOrderedBySessionId() {
    tracker.viewerOpened("c", "1", Map.of(), true);
    tracker.viewerOpened("a", "1", Map.of(), true);
    tracker.viewerOpened("b", "1", Map.of(), true);
    assertThat(tracker.snapshots()).extracting(SessionSnapshot::sessionId).containsExactly("a", "b", "c");
  }

  @Test
  void snapshotsAreImmutable() {
    tracker.viewerOpened("s", "a", Map.of(), true);
    SessionSnapshot s = tracker.snapshot("s").orElseThrow();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.viewers().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.inputCounts().put(InputKind.NOISE, 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** One count per kind, in declaration order (KEY_PRESS … NOISE, SYNTHETIC, BLIND_TRAFFIC). */
  private static Map<InputKind, Long> counts(long... perKind) {
    Map<InputKind, Long> map = new java.util.EnumMap<>(InputKind.class);
    for (int i = 0; i < perKind.length; i++) {
      map.put(InputKind.ofOrdinal(i), perKind[i]);
    }
    return map;
  }
}
