package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.store.ViewerKey;

/** A blind viewer is counted once, keeps the first reason it is given, and its reason can always be stored. */
class BlindViewerTest {

  private final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final RecordingStore store = new RecordingStore(time);
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
      .clock(time.clock()).store(store).metrics(metrics).replicaId("r1").build());

  @Test
  void aViewerIsCountedBlindOnceWhateverReasonsFollow() {
    Viewer uninspected = tracker.viewerOpened("s", "a", Map.of(), false);
    tracker.inspectionLost(uninspected, "TLS");
    Viewer noReason = tracker.viewerOpened("s", "b", Map.of(), true);
    tracker.inspectionLost(noReason, null);
    tracker.inspectionLost(noReason, "UNKNOWN_MESSAGE_TYPE");
    Viewer twice = tracker.viewerOpened("s", "c", Map.of(), true);
    tracker.inspectionLost(twice, "TLS");
    tracker.inspectionLost(twice, "UNKNOWN_MESSAGE_TYPE");

    assertThat(metrics.blind).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("NOT_INSPECTED", 1L,
        "UNKNOWN", 1L, "TLS", 1L)));
    assertThat(tracker.snapshot("s").orElseThrow().viewers()).extracting(ViewerSnapshot::blindReason)
        .containsExactly("TLS", "UNKNOWN_MESSAGE_TYPE", "TLS");
    tracker.tick();
    assertThat(store.viewers().get(new ViewerKey("s", "r1", "a")).blindReason()).isEqualTo("TLS");
    assertThat(store.viewers().get(new ViewerKey("s", "r1", "b")).blindReason())
        .isEqualTo("UNKNOWN_MESSAGE_TYPE");
  }

  @Test
  void aViewerOpenedBlindIsCountedOnceWithItsReason() {
    Viewer viewer = tracker.viewerOpenedBlind("s", "a", Map.of(), "ENCRYPTED_SECURITY_TYPE");
    tracker.inspectionLost(viewer, "UNKNOWN_MESSAGE_TYPE");

    assertThat(metrics.blind).containsExactly(Map.entry("ENCRYPTED_SECURITY_TYPE", 1L));
    ViewerSnapshot snapshot = tracker.snapshot("s").orElseThrow().viewers().get(0);
    assertThat(snapshot.inspectable()).isFalse();
    assertThat(snapshot.blindReason()).isEqualTo("ENCRYPTED_SECURITY_TYPE");
    tracker.tick();
    assertThat(store.viewers().get(new ViewerKey("s", "r1", "a")).blindReason()).isEqualTo("ENCRYPTED_SECURITY_TYPE");
  }

  @Test
  void controlCharactersInAReasonAreReplaced() {
    Viewer viewer = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.inspectionLost(viewer, "TLS\u0000\r\nx" + "y".repeat(300));
    String expected = ("TLS???x" + "y".repeat(300)).substring(0, Attributes.MAX_VALUE_LENGTH);
    assertThat(tracker.snapshot("s").orElseThrow().viewers().get(0).blindReason()).isEqualTo(expected);
    assertThat(metrics.blind).containsOnlyKeys(expected);
  }
}
