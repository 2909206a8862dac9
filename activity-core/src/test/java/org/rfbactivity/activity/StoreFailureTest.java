package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.store.StoreException;
import org.rfbactivity.activity.store.ViewerKey;

/**
 * The tracker's side of a database outage (docs/architecture.md#persistence), with a store that fails on command: intake and
 * transitions go on, the newest value per session is kept, writes back off exponentially up to the cap, and
 * everything newest is written when the store returns. The JDBC side is in {@code store.OutageIT}.
 */
class StoreFailureTest {

  private static final StoreException CONNECTION_LOST =
      new StoreException("test - connection lost", true, "08006", null);
  private static final StoreException MISSING_TABLE =
      new StoreException("test - relation does not exist", false, "42P01", null);

  private final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final RecordingStore store = new RecordingStore(time);
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final RecordingListener listener = new RecordingListener();
  private final ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
      .clock(time.clock()).store(store).metrics(metrics).listener(listener).replicaId("r1").build());

  /** Ticks once per second from {@code from} to {@code to} and returns the seconds at which a write was tried. */
  private List<Long> tickAndRecordAttempts(int from, int to, Runnable perSecond) {
    List<Long> attempts = new ArrayList<>();
    for (int second = from; second <= to; second++) {
      time.set(Duration.ofSeconds(second));
      perSecond.run();
      int before = store.attempts();
      tracker.tick();
      if (store.attempts() > before) {
        attempts.add((long) second);
      }
    }
    return attempts;
  }

  @Test
  void retryableFailuresBackOffExponentiallyUpToTheCap() {
    tracker.viewerOpened("s", "a", Map.of(), true);
    store.failWith(CONNECTION_LOST);
    // Failure 1 at 0 s; pauses of 1, 2, 4, 8, 16 s, then the 30 s cap.
    assertThat(tickAndRecordAttempts(0, 125, () -> { })).containsExactly(0L, 1L, 3L, 7L, 15L, 31L, 61L, 91L,
        121L);
    StoreHealth health = tracker.storeHealth();
    assertThat(health.healthy()).isFalse();
    assertThat(health.consecutiveFailures()).isEqualTo(9);
    assertThat(health.lastErrorClass()).isEqualTo("08");
    assertThat(health.lastFailure()).isEqualTo(time.at(Duration.ofSeconds(121)));
    assertThat(health.lastSuccess()).isNull();
    assertThat(health.pendingSessions()).isEqualTo(1);
    assertThat(metrics.storeErrors).containsExactly(Map.entry("08", 9L));
  }

  @Test
  void failuresThatWillNotPassWaitTheCapAtOnce() {
    tracker.viewerOpened("s", "a", Map.of(), true);
    store.failWith(MISSING_TABLE);
    assertThat(tickAndRecordAttempts(0, 95, () -> { })).containsExactly(0L, 30L, 60L, 90L);
    assertThat(tracker.storeHealth().lastErrorClass()).isEqualTo("42");
  }

  @Test
  void duringAnOutageIntakeAndTransitionsContinueAndTheNewestValuesAreWrittenOnRecovery() {
    List<Viewer> viewers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      viewers.add(tracker.viewerOpened("s" + i, "v" + i, Map.of(), true));
    }
    tracker.tick();
    store.failWith(CONNECTION_LOST);
    long[] newest = new long[viewers.size()];
    // 200 s of outage, 10 inputs per second per session.
    tickAndRecordAttempts(1, 200, () -> {
      for (int k = 0; k < 10; k++) {
        time.advanceMillis(10);
        for (int i = 0; i < viewers.size(); i++) {
          if (i % 2 == 0) { // half the sessions keep typing, half go idle
            tracker.input(viewers.get(i), InputKind.KEY_PRESS);
            newest[i] = time.nanos();
          }
        }
      }
    });
    assertThat(listener.transitions()).filteredOn(t -> t.to() == ActivityState.CONNECTED_IDLE)
        .as("idle transitions are delivered during the outage").hasSize(25);
    assertThat(tracker.storeHealth().pendingSessions()).isEqualTo(50);
    int writesBefore = store.writes().size();

    store.failWith(null);
    time.set(Duration.ofSeconds(230)); // past the longest back-off
    tracker.tick();
    assertThat(store.writes()).hasSize(writesBefore + 1);
    RecordingStore.Write recovery = store.writes().get(store.writes().size() - 1);
    assertThat(recovery.batch().sessions()).as("one row per session, whatever the input volume").hasSize(25);
    for (int i = 0; i < viewers.size(); i++) {
      Instant expected = i % 2 == 0 ? time.origin().plusNanos(newest[i]) : time.origin();
      assertThat(store.lastActivity("s" + i)).as("s%s", i).isEqualTo(expected);
    }
    assertThat(tracker.storeHealth().healthy()).isTrue();
    assertThat(tracker.storeHealth().pendingSessions()).isZero();
    assertThat(tracker.storeHealth().lastSuccess()).isEqualTo(time.at(Duration.ofSeconds(230)));
  }

  @Test
  void viewersThatComeAndGoDuringAnOutageAreNotHeldUntilItEnds() {
    Viewer stays = tracker.viewerOpened("s", "stays", Map.of(), true);
    Viewer written = tracker.viewerOpened("s", "written", Map.of(), true);
    tracker.tick();
    store.failWith(CONNECTION_LOST);
    tracker.viewerClosed(written); // its row exists: the delete must wait for the database
    for (int i = 0; i < 10_000; i++) {
      time.advanceMillis(10);
      tracker.viewerClosed(tracker.viewerOpened("s", "churn-" + i, Map.of("remote", "10.0.0." + i % 250), true));
      if (i % 100 == 99) {
        tracker.tick();
      }
    }
    assertThat(tracker.closedViewersHeld("s")).as("only the closed viewer whose row must be deleted")
        .isEqualTo(1);

    store.failWith(null);
    time.advance(Duration.ofSeconds(60));
    tracker.tick();
    assertThat(store.viewers()).containsOnlyKeys(new ViewerKey("s", "r1", "stays"));
    assertThat(tracker.closedViewersHeld("s")).isZero();
    assertThat(metrics.inputs).isEmpty();
    tracker.viewerClosed(stays);
  }

  @Test
  void aStoreThatThrowsAnythingElseIsAFailureNotACrash() {
    tracker.viewerOpened("s", "a", Map.of(), true);
    ActivityTracker broken = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
        .clock(time.clock()).replicaId("r2").store(batch -> {
          throw new IllegalStateException("bug");
        }).build());
    broken.viewerOpened("s", "a", Map.of(), true);
    broken.tick();
    assertThat(broken.storeHealth().healthy()).isFalse();
    assertThat(broken.storeHealth().lastErrorClass()).isEqualTo("unknown");
  }
}
