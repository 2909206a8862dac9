package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.PostgresExtension;
import org.rfbactivity.activity.store.TestDatabase;

/**
 * Concurrency (docs/architecture.md#activity-state, intake never waits): several threads feed many sessions (inputs, plus viewers closing and reopening) while the
 * real flusher thread evaluates and writes to PostgreSQL; afterwards every session's stored {@code last_activity} is
 * its newest activity: no newest value is lost between intake and flusher.
 *
 * <p>Time: {@link SteppingTime}, so each input gets a distinct time that the feeding thread can bracket.
 */
@ExtendWith(PostgresExtension.class)
class ConcurrencyIT {

  private static final int THREADS = 4;
  private static final int SESSIONS_PER_THREAD = 100;
  private static final int ROUNDS = 5_000;

  private final SteppingTime time = new SteppingTime(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  /** The time of a session's newest activity lies in (before, after]. */
  private record Bracket(long before, long after) {
  }

  @Test
  void noNewestValueIsLostWhileTheFlusherRuns(TestDatabase db) throws Exception {
    RecordingListener listener = new RecordingListener();
    RecordingMetrics metrics = new RecordingMetrics();
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .replicaId("r1").activeWindow(Duration.ofMillis(200)).persistInterval(Duration.ofMillis(50))
        .flushTick(Duration.ofMillis(1)).listener(listener).metrics(metrics)
        .store(JdbcActivityStore.builder().dataSource(db.dataSource()).build()).build());
    tracker.start();

    ExecutorService feeders = Executors.newFixedThreadPool(THREADS);
    List<Future<Map<String, Bracket>>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      results.add(feeders.submit(() -> feed(tracker, thread)));
    }
    Map<String, Bracket> newest = new HashMap<>();
    for (Future<Map<String, Bracket>> result : results) {
      newest.putAll(result.get());
    }
    feeders.shutdown();
    tracker.close();

    assertThat(newest).hasSize(THREADS * SESSIONS_PER_THREAD);
    for (Map.Entry<String, Bracket> e : newest.entrySet()) {
      Instant stored = (Instant) db.value(
          "SELECT last_activity FROM rfb_session_activity WHERE session_id = ?", e.getKey());
      assertThat(stored).as(e.getKey())
          .isAfter(time.origin().plusNanos(e.getValue().before()))
          .isBeforeOrEqualTo(time.origin().plusNanos(e.getValue().after()));
    }
    assertThat(db.value("SELECT count(*) FROM rfb_viewer")).isEqualTo(0L);
    assertThat(tracker.storeHealth().healthy()).isTrue();
    assertThat(metrics.suppressed).as("input was coalesced, not written per input").isPositive();
    assertTransitionsAreConsistentPerSession(listener.transitions());
  }

  private Map<String, Bracket> feed(ActivityTracker tracker, int thread) {
    List<Viewer> viewers = new ArrayList<>();
    Map<String, Bracket> newest = new HashMap<>();
    for (int i = 0; i < SESSIONS_PER_THREAD; i++) {
      String session = "t" + thread + "-s" + i;
      long before = time.now();
      viewers.add(tracker.viewerOpened(session, "v0", Map.of(), true));
      newest.put(session, new Bracket(before, time.now()));
    }
    InputKind[] kinds = InputKind.values();
    for (int round = 0; round < ROUNDS; round++) {
      for (int i = 0; i < SESSIONS_PER_THREAD; i++) {
        InputKind kind = kinds[(round + i) % kinds.length];
        long before = time.now();
        tracker.input(viewers.get(i), kind);
        long after = time.now();
        if (tracker.config().counts(kind)) {
          newest.put(viewers.get(i).sessionId(), new Bracket(before, after));
        }
      }
      if (round % 100 == 99) {
        // Churn: one session's viewer leaves and a new one arrives (opening counts as activity).
        int i = (round / 100) % SESSIONS_PER_THREAD;
        String session = viewers.get(i).sessionId();
        tracker.viewerClosed(viewers.get(i));
        long before = time.now();
        viewers.set(i, tracker.viewerOpened(session, "v" + round, Map.of(), true));
        newest.put(session, new Bracket(before, time.now()));
      }
    }
    return newest;
  }

  private static void assertTransitionsAreConsistentPerSession(List<ActivityTransition> transitions) {
    Map<String, ActivityTransition> previous = new HashMap<>();
    for (ActivityTransition t : transitions) {
      ActivityTransition before = previous.put(t.sessionId(), t);
      ActivityState expectedFrom = before == null ? ActivityState.DISCONNECTED : before.to();
      assertThat(t.from()).as("transition of %s after %s", t.sessionId(), before).isEqualTo(expectedFrom);
      if (before != null) {
        assertThat(t.at()).as("time order of %s", t.sessionId()).isAfterOrEqualTo(before.at());
      }
    }
    assertThat(previous.values()).extracting(ActivityTransition::to).containsOnly(ActivityState.DISCONNECTED);
  }
}
