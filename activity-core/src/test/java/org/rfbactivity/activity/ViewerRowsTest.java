package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.store.ViewerKey;

/**
 * Which viewer rows the tracker asks the store to upsert and delete when viewer ids are reused: the row of a
 * connection that is live must survive the deletion of an earlier connection's row under the same key. The store
 * applies a batch's upserts before its deletes (BatchStatements, and RecordingStore like it).
 */
class ViewerRowsTest {

  private final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final RecordingStore store = new RecordingStore(time);
  private final ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
      .clock(time.clock()).store(store).replicaId("r1").build());
  private final ViewerKey key = new ViewerKey("s", "r1", "a");

  @Test
  void aViewerIdClosedAndReopenedWithinOneTickKeepsItsRow() {
    Viewer first = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.tick();
    assertThat(store.viewers()).containsOnlyKeys(key);

    time.advance(Duration.ofMillis(300));
    tracker.viewerClosed(first);
    time.advance(Duration.ofMillis(300));
    tracker.viewerOpened("s", "a", Map.of(), true);
    time.advance(Duration.ofMillis(400));
    tracker.tick();

    RecordingStore.Write last = store.writes().get(store.writes().size() - 1);
    assertThat(last.batch().closedViewers()).as("the live connection's row is not deleted").isEmpty();
    assertThat(store.viewers()).containsOnlyKeys(key);
    assertThat(store.viewers().get(key).connectedAt()).isEqualTo(time.at(Duration.ofMillis(600)));

    time.advance(Duration.ofSeconds(1));
    tracker.tick();
    assertThat(store.viewers()).containsOnlyKeys(key);
  }

  @Test
  void aSecondOpenUnderALiveIdKeepsTheNewConnectionsRow() {
    tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.tick();

    time.advance(Duration.ofSeconds(5));
    Viewer second = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.tick();
    assertThat(store.viewers()).containsOnlyKeys(key);
    assertThat(store.viewers().get(key).connectedAt()).isEqualTo(time.at(Duration.ofSeconds(5)));

    time.advance(Duration.ofSeconds(1));
    tracker.viewerClosed(second);
    tracker.tick();
    assertThat(store.viewers()).isEmpty();
  }

  @Test
  void aViewerIdClosedReopenedAndClosedAgainWithinOneTickLeavesNoRow() {
    Viewer first = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.viewerOpened("s", "b", Map.of(), true);
    tracker.tick();

    time.advance(Duration.ofMillis(100));
    tracker.viewerClosed(first);
    Viewer second = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.viewerClosed(second);
    tracker.tick();
    assertThat(store.viewers()).containsOnlyKeys(new ViewerKey("s", "r1", "b"));
  }
}
