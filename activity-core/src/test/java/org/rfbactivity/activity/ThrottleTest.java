package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.store.SessionActivityRow;
import org.rfbactivity.activity.store.ViewerRow;

/**
 * The throttle (docs/architecture.md#persistence): 60 inputs per second for 10 simulated minutes produce exactly one {@code last_activity}
 * write at the idle-to-active transition, then one per persistInterval while the input advances, and the
 * active-to-idle transition; never one per input. Time is fake and the flusher is driven tick by tick.
 */
class ThrottleTest {

  private static final long SECOND = 1_000_000_000L;
  /** Inputs start between two ticks, after the session has gone idle at 60 s. */
  private static final long INPUT_START = 100 * SECOND + SECOND / 120;
  private static final int INPUTS = 60 * 600;
  private static final int LAST_TICK = 800;
  private static final InputKind[] KINDS = {InputKind.POINTER_MOVE, InputKind.KEY_PRESS, InputKind.POINTER_BUTTON,
      InputKind.POINTER_WHEEL};

  /** The k-th input, 60 per second. */
  private static long inputNanos(int k) {
    return INPUT_START + k * SECOND / 60;
  }

  private static final class Run {
    final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    final RecordingStore store = new RecordingStore(time);
    final RecordingMetrics metrics = new RecordingMetrics();
    final ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
        .clock(time.clock()).store(store).metrics(metrics).replicaId("r1").build());

    Run(int sessions) {
      List<Viewer> viewers = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        viewers.add(tracker.viewerOpened("s" + i, "v" + i, Map.of(), true));
      }
      int next = 0;
      for (int second = 0; second <= LAST_TICK; second++) {
        while (next < INPUTS && inputNanos(next) <= second * SECOND) {
          time.set(Duration.ofNanos(inputNanos(next)));
          for (Viewer viewer : viewers) {
            tracker.input(viewer, KINDS[next % KINDS.length]);
          }
          next++;
        }
        time.set(Duration.ofSeconds(second));
        tracker.tick();
      }
    }

    /** Tick second of each write that carried a row of session {@code id}, with the row. */
    Map<Long, SessionActivityRow> sessionWrites(String id) {
      Map<Long, SessionActivityRow> rows = new LinkedHashMap<>();
      for (RecordingStore.Write w : store.writes()) {
        for (SessionActivityRow row : w.batch().sessions()) {
          if (row.sessionId().equals(id)) {
            rows.put(w.tickNanos() / SECOND, row);
          }
        }
      }
      return rows;
    }

    Map<Long, ActivityState> viewerWrites(String id) {
      Map<Long, ActivityState> rows = new LinkedHashMap<>();
      for (RecordingStore.Write w : store.writes()) {
        for (ViewerRow row : w.batch().viewers()) {
          if (row.sessionId().equals(id)) {
            rows.put(w.tickNanos() / SECOND, row.state());
          }
        }
      }
      return rows;
    }

    Instant at(long nanos) {
      return time.origin().plusNanos(nanos).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
  }

  /** The newest input at or before {@code second}. */
  private static long newestInputAt(long second) {
    int k = (int) Math.min(INPUTS - 1, ((second * SECOND - INPUT_START) * 60) / SECOND);
    while (k + 1 < INPUTS && inputNanos(k + 1) <= second * SECOND) {
      k++;
    }
    return inputNanos(k);
  }

  private static Map<Long, Long> expectedSessionWrites() {
    Map<Long, Long> expected = new LinkedHashMap<>();
    expected.put(0L, 0L); // the open
    expected.put(101L, newestInputAt(101)); // idle -> active, detected at the first tick after the first input
    for (long second = 131; second <= 701; second += 30) {
      expected.put(second, newestInputAt(second)); // once per persistInterval while the input advances
    }
    return expected;
  }

  private static Map<Long, ActivityState> expectedViewerWrites() {
    Map<Long, ActivityState> expected = new LinkedHashMap<>();
    expected.put(0L, ActivityState.ACTIVE); // open
    expected.put(30L, ActivityState.ACTIVE); // heartbeat
    expected.put(60L, ActivityState.CONNECTED_IDLE); // window elapsed after the open
    expected.put(90L, ActivityState.CONNECTED_IDLE); // heartbeat
    for (long second = 101; second <= 731; second += 30) {
      expected.put(second, ActivityState.ACTIVE); // transition at 101, then heartbeats
    }
    expected.put(760L, ActivityState.CONNECTED_IDLE); // active -> idle: last input 699.99 s + 60 s
    expected.put(790L, ActivityState.CONNECTED_IDLE); // heartbeat
    return expected;
  }

  @Test
  void sixtyInputsPerSecondForTenMinutesOnOneSession() {
    Run run = new Run(1);

    Map<Long, SessionActivityRow> sessionWrites = run.sessionWrites("s0");
    Map<Long, Long> expected = expectedSessionWrites();
    assertThat(sessionWrites.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((second, nanos) -> assertThat(sessionWrites.get(second).lastActivity())
        .as("last_activity written at %ss", second).isEqualTo(run.at(nanos)));
    assertThat(sessionWrites).hasSize(22);
    assertThat(run.viewerWrites("s0")).containsExactlyEntriesOf(expectedViewerWrites());

    assertThat(run.store.lastActivity("s0")).isEqualTo(run.at(inputNanos(INPUTS - 1)));
    assertThat(run.metrics.sessionRows).isEqualTo(22);
    assertThat(run.metrics.suppressed).as("inputs not written on their own").isEqualTo(INPUTS - 21);
    assertThat(run.metrics.inputs).containsExactlyInAnyOrderEntriesOf(Map.of(
        InputKind.POINTER_MOVE, (long) INPUTS / 4, InputKind.KEY_PRESS, (long) INPUTS / 4,
        InputKind.POINTER_BUTTON, (long) INPUTS / 4, InputKind.POINTER_WHEEL, (long) INPUTS / 4));
    assertThat(run.metrics.transitions).containsExactlyInAnyOrderEntriesOf(Map.of(
        "DISCONNECTED->ACTIVE", 1L, "ACTIVE->CONNECTED_IDLE", 2L, "CONNECTED_IDLE->ACTIVE", 1L));
  }

  @Test
  void aCloseWritesTheThrottledNewestActivityAndTheStateAtTheNextTickWithoutMovingIt() {
    FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    RecordingStore store = new RecordingStore(time);
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
        .clock(time.clock()).store(store).replicaId("r1").build());
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    Viewer b = tracker.viewerOpened("s", "b", Map.of(), true);
    tracker.tick();
    time.set(Duration.ofSeconds(2));
    tracker.input(a, InputKind.KEY_PRESS);
    time.set(Duration.ofSeconds(3));
    tracker.tick();
    int before = store.writes().size();

    time.set(Duration.ofSeconds(4));
    tracker.viewerClosed(a);
    time.set(Duration.ofSeconds(9));
    tracker.tick();
    List<RecordingStore.Write> after = store.writes().subList(before, store.writes().size());
    assertThat(after).hasSize(1);
    assertThat(after.get(0).batch().sessions()).containsExactly(new SessionActivityRow("s",
        time.at(Duration.ofSeconds(2)), time.at(Duration.ofSeconds(62)), InputKind.KEY_PRESS));
    assertThat(after.get(0).batch().closedViewers()).extracting(k -> k.viewerId()).containsExactly("a");
    assertThat(after.get(0).batch().viewers()).extracting(ViewerRow::viewerId, ViewerRow::state,
        ViewerRow::activeUntil).containsExactly(org.assertj.core.groups.Tuple.tuple("b", ActivityState.ACTIVE,
        time.at(Duration.ofSeconds(62))));

    time.set(Duration.ofSeconds(10));
    tracker.viewerClosed(b);
    time.set(Duration.ofSeconds(11));
    tracker.tick();
    RecordingStore.Write last = store.writes().get(store.writes().size() - 1);
    assertThat(last.tickNanos()).isEqualTo(Duration.ofSeconds(11).toNanos());
    assertThat(last.batch().sessions()).as("closing is not activity").isEmpty();
    assertThat(last.batch().closedViewers()).extracting(k -> k.viewerId()).containsExactly("b");
    assertThat(store.lastActivity("s")).isEqualTo(time.at(Duration.ofSeconds(2)));
  }

  @Test
  void sameWithOneThousandSessionsOneBatchPerTick() {
    int sessions = 1_000;
    Run run = new Run(sessions);

    Map<Long, Long> expected = expectedSessionWrites();
    for (int i = 0; i < sessions; i++) {
      Map<Long, SessionActivityRow> writes = run.sessionWrites("s" + i);
      assertThat(writes.keySet()).as("s%s", i).containsExactlyElementsOf(expected.keySet());
      assertThat(writes.get(701L).lastActivity()).isEqualTo(run.at(inputNanos(INPUTS - 1)));
    }
    Map<Long, ActivityState> viewerWrites = expectedViewerWrites();
    List<Long> batchTicks = new ArrayList<>();
    for (RecordingStore.Write w : run.store.writes()) {
      if (!w.batch().viewers().isEmpty() || !w.batch().sessions().isEmpty()) {
        batchTicks.add(w.tickNanos() / SECOND);
        assertThat(w.batch().viewers()).as("every session in the one batch of tick %s", w.tickNanos())
            .hasSize(sessions);
        assertThat(w.batch().sessions()).hasSize(expected.containsKey(w.tickNanos() / SECOND) ? sessions : 0);
      }
    }
    assertThat(batchTicks).containsExactlyElementsOf(viewerWrites.keySet());
    assertThat(run.metrics.sessionRows).isEqualTo(22L * sessions);
    assertThat(run.metrics.viewerRows).isEqualTo((long) viewerWrites.size() * sessions);
    assertThat(run.metrics.suppressed).isEqualTo((long) (INPUTS - 21) * sessions);
  }
}
