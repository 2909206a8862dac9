package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.store.ActivityStore;
import org.rfbactivity.activity.store.StoreException;
import org.rfbactivity.activity.store.WriteResult;

/** Threads are owned: the constructor starts nothing, start() makes one flusher thread, close() ends it. */
class LifecycleTest {

  private final List<Thread> created = new CopyOnWriteArrayList<>();
  private final ThreadFactory factory = r -> {
    Thread t = new Thread(r, "test-flusher");
    t.setDaemon(true);
    created.add(t);
    return t;
  };

  private ActivityConfig.Builder fast() {
    return ActivityConfig.builder().replicaId("r1").threadFactory(factory).activeWindow(Duration.ofMillis(300))
        .persistInterval(Duration.ofMillis(100)).flushTick(Duration.ofMillis(10));
  }

  @Test
  void constructorAndIntakeStartNothingStartMakesOneThreadCloseEndsIt() {
    RecordingListener listener = new RecordingListener();
    ActivityTracker tracker = new ActivityTracker(fast().listener(listener).build());
    Viewer viewer = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.input(viewer, InputKind.KEY_PRESS);
    tracker.snapshots();
    assertThat(created).isEmpty();

    tracker.start();
    assertThat(created).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> listener.transitions().stream()
        .anyMatch(t -> t.to() == ActivityState.CONNECTED_IDLE));
    assertThat(created).hasSize(1);

    tracker.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !created.get(0).isAlive());
    assertThat(listener.transitions()).last().extracting(ActivityTransition::to)
        .isEqualTo(ActivityState.DISCONNECTED);
  }

  @Test
  void theDefaultThreadIsANamedDaemon() {
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().replicaId("lifecycle-r9").build());
    tracker.start();
    Thread flusher = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("rfb-activity-flusher-lifecycle-r9")).findFirst().orElseThrow();
    assertThat(flusher.isDaemon()).isTrue();
    tracker.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> !flusher.isAlive());
  }

  @Test
  void startTwiceOrAfterCloseFails() {
    ActivityTracker tracker = new ActivityTracker(fast().build());
    tracker.start();
    assertThatThrownBy(tracker::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("tracker r1 is already started");
    tracker.close();
    tracker.close();
    assertThatThrownBy(tracker::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("tracker r1 is closed");
  }

  @Test
  void closeWritesEveryViewerClosedAndTheNewestActivity() {
    FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    RecordingStore store = new RecordingStore(time);
    RecordingListener listener = new RecordingListener();
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().replicaId("r1").ticker(time.ticker())
        .clock(time.clock()).store(store).listener(listener).build());
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.viewerOpened("s", "b", Map.of(), true);
    tracker.tick();
    time.advance(Duration.ofSeconds(2));
    tracker.input(a, InputKind.KEY_PRESS);
    time.advance(Duration.ofSeconds(1));
    tracker.tick(); // throttled: the input is newer than what is stored
    assertThat(store.lastActivity("s")).isEqualTo(time.origin());

    tracker.close(); // never started: the final flush runs here
    assertThat(store.lastActivity("s")).isEqualTo(time.at(Duration.ofSeconds(2)));
    assertThat(store.viewers()).isEmpty();
    assertThat(listener.transitions()).extracting(ActivityTransition::to)
        .containsExactly(ActivityState.ACTIVE, ActivityState.DISCONNECTED);
    assertThat(listener.transitions().get(1).at()).isEqualTo(time.at(Duration.ofSeconds(3)));
    assertThat(tracker.storeHealth().pendingSessions()).isZero();
  }

  /** A tracker on the counting thread factory whose store never returns until interrupted; close gives 200 ms. */
  private ActivityTracker trackerWithAStuckStore() {
    CountDownLatch never = new CountDownLatch(1);
    ActivityStore stuck = batch -> {
      try {
        never.await();
        return WriteResult.accepted(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("test - interrupted", true, null, e);
      }
    };
    return new ActivityTracker(ActivityConfig.builder().replicaId("r1").threadFactory(factory).store(stuck)
        .closeTimeout(Duration.ofMillis(200)).build());
  }

  @Test
  void closeGivesUpOnAStuckStoreAfterTheTimeout() {
    ActivityTracker tracker = trackerWithAStuckStore();
    tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.start();
    assertTimeoutPreemptively(Duration.ofSeconds(10), tracker::close);
    await().atMost(Duration.ofSeconds(10)).until(() -> !created.get(0).isAlive());
  }

  @Test
  void closeOfANeverStartedTrackerAlsoGivesUpOnAStuckStoreAfterTheTimeout() {
    ActivityTracker tracker = trackerWithAStuckStore();
    tracker.viewerOpened("s", "a", Map.of(), true);
    assertTimeoutPreemptively(Duration.ofSeconds(10), tracker::close);
    assertThat(created).as("the final flush ran on a thread of the factory").hasSize(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !created.get(0).isAlive());
  }

  @Test
  void aThrowingMetricsSinkNeitherLeaksAViewerNorStopsWrites() {
    FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    RecordingStore store = new RecordingStore(time);
    RecordingListener listener = new RecordingListener();
    ActivityMetrics broken = new ActivityMetrics() {
      @Override
      public void transition(ActivityState from, ActivityState to) {
        throw new IllegalStateException("metrics bug");
      }

      @Override
      public void blindViewer(String reason) {
        throw new IllegalStateException("metrics bug");
      }

      @Override
      public void flushCompleted(long durationNanos, boolean storeWriteSucceeded) {
        throw new IllegalStateException("metrics bug");
      }
    };
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().replicaId("r1").ticker(time.ticker())
        .clock(time.clock()).store(store).listener(listener).metrics(broken).build());
    Viewer viewer = tracker.viewerOpened("s", "a", Map.of(), false);
    assertThat(viewer.sessionId()).as("the handle of the viewer that was opened").isEqualTo("s");
    tracker.tick();
    assertThat(listener.transitions()).extracting(ActivityTransition::to).containsExactly(ActivityState.ACTIVE);
    assertThat(store.viewers()).hasSize(1);

    time.advance(Duration.ofSeconds(1));
    tracker.viewerClosed(viewer);
    tracker.tick();
    assertThat(listener.transitions()).extracting(ActivityTransition::to)
        .containsExactly(ActivityState.ACTIVE, ActivityState.DISCONNECTED);
    assertThat(store.viewers()).isEmpty();
    assertThat(tracker.snapshots()).extracting(SessionSnapshot::state).containsExactly(ActivityState.DISCONNECTED);
  }

  @Test
  void anErrorThrownByAListenerDoesNotStopTheFlusher() {
    RecordingStore store = new RecordingStore(null);
    RecordingListener second = new RecordingListener();
    // A window far longer than the test: the opens are the only transitions, however slowly the machine runs.
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().replicaId("r1").threadFactory(factory)
        .activeWindow(Duration.ofHours(1)).persistInterval(Duration.ofMillis(100)).flushTick(Duration.ofMillis(10))
        .store(store).listener(t -> {
      if (t.sessionId().equals("first")) {
        throw new AssertionError("listener bug");
      }
    }).listener(second).build());
    tracker.start();
    try {
      tracker.viewerOpened("first", "a", Map.of(), true);
      await().atMost(Duration.ofSeconds(10)).until(() -> store.lastActivity("first") != null);
      assertThat(second.transitions()).extracting(ActivityTransition::sessionId).containsExactly("first");
      tracker.viewerOpened("second", "a", Map.of(), true);
      await().atMost(Duration.ofSeconds(10)).until(() -> store.lastActivity("second") != null);
      await().atMost(Duration.ofSeconds(10)).until(() -> second.transitions().size() >= 2);
      assertThat(second.transitions()).extracting(ActivityTransition::sessionId).containsExactly("first", "second");
    } finally {
      tracker.close();
    }
  }

  @Test
  void aThrowingListenerDoesNotStopTheOthers() {
    FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    RecordingListener second = new RecordingListener();
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().replicaId("r1").ticker(time.ticker())
        .clock(time.clock()).listener(t -> {
          throw new IllegalStateException("listener bug");
        }).listener(second).build());
    tracker.viewerOpened("s", "a", Map.of(), true);
    tracker.tick();
    assertThat(second.transitions()).hasSize(1);
  }

  /**
   * Ticks start at a fixed rate: a flush that takes most of a tick does not stretch the period, so a transition waits
   * at most one tick for its write (docs/architecture.md#events). With a fixed delay instead, a 400 ms tick whose
   * flush took 200 ms would be followed 400 ms after it ended, 600 ms after it started.
   */
  @Test
  void ticksStartAtAFixedRateHoweverLongTheirWriteTakes() {
    long tick = Duration.ofMillis(400).toNanos();
    long ms = Duration.ofMillis(1).toNanos();
    assertThat(ActivityTracker.delayToNextTick(tick, 0, 200 * ms)).isEqualTo(200 * ms);
    assertThat(ActivityTracker.delayToNextTick(tick, 0, 0)).isEqualTo(tick);
    assertThat(ActivityTracker.delayToNextTick(tick, 0, 400 * ms)).as("exactly one period").isZero();
    assertThat(ActivityTracker.delayToNextTick(tick, 0, 900 * ms)).as("overran: at once, nothing caught up").isZero();
    // nanoTime values may wrap: only their difference counts
    assertThat(ActivityTracker.delayToNextTick(tick, Long.MAX_VALUE - 100 * ms + 1, Long.MIN_VALUE + 100 * ms))
        .isEqualTo(200 * ms);
  }
}
