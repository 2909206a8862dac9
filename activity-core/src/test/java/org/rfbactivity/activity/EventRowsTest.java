package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.store.StoreBatch;
import org.rfbactivity.activity.store.ViewerKey;

/**
 * A batch carries a session's events together with the rows they explain (docs/architecture.md#events): a shared
 * store settles the cluster's state from the rows and dates and explains each change by this replica's event, so an
 * event whose rows come a tick later would leave the change it explains to be guessed from the rows alone.
 */
class EventRowsTest {

  private final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final RecordingStore store = new RecordingStore(time);

  @Test
  void aCloseMadeWhileTheTickDeliversGoesOutWithItsDeleteInTheNextBatch() {
    AtomicReference<Runnable> onActive = new AtomicReference<>(() -> { });
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .replicaId("r1").store(store).listener(t -> {
          if (t.to() == ActivityState.ACTIVE && t.sessionId().equals("y")) {
            onActive.get().run();
          }
        }).build());
    Viewer x = tracker.viewerOpened("x", "vx", Map.of(), true);
    Viewer y = tracker.viewerOpened("y", "vy", Map.of(), true);
    time.set(Scenario.seconds("0.5"));
    tracker.tick();
    time.set(Scenario.seconds("61"));
    tracker.tick(); // both idle
    int before = store.writes().size();

    // x's close happens on the flusher thread after x was collected: in a listener of y's transition.
    onActive.set(() -> tracker.viewerClosed(x, "client_closed"));
    time.set(Scenario.seconds("70"));
    tracker.input(y, InputKind.KEY_PRESS);
    time.set(Scenario.seconds("70.5"));
    tracker.tick();
    onActive.set(() -> { });
    time.set(Scenario.seconds("71.5"));
    tracker.tick();

    List<String> batches = new ArrayList<>();
    for (RecordingStore.Write w : store.writes().subList(before, store.writes().size())) {
      batches.add(describe(w.batch()));
    }
    assertThat(batches).containsExactly(
        "rows y; events y:CONNECTED_IDLE->ACTIVE",
        "deletes x/vx; events x:closed vx, x:CONNECTED_IDLE->DISCONNECTED");
    tracker.close();
  }

  private static String describe(StoreBatch batch) {
    List<String> parts = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    batch.viewers().forEach(v -> rows.add(v.sessionId()));
    if (!rows.isEmpty()) {
      parts.add("rows " + String.join(",", rows));
    }
    List<String> deletes = new ArrayList<>();
    for (ViewerKey key : batch.closedViewers()) {
      deletes.add(key.sessionId() + "/" + key.viewerId());
    }
    if (!deletes.isEmpty()) {
      parts.add("deletes " + String.join(",", deletes));
    }
    List<String> events = new ArrayList<>();
    for (ActivityEvent e : batch.events()) {
      events.add(e.sessionId() + ":" + switch (e.type()) {
        case SESSION_STATE_CHANGED -> e.from() + "->" + e.to();
        case VIEWER_OPENED -> "opened " + e.viewerId();
        case VIEWER_CLOSED -> "closed " + e.viewerId();
        default -> e.type().wireName();
      });
    }
    parts.add("events " + String.join(", ", events));
    return String.join("; ", parts);
  }
}
