package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Intake from several threads on a few shared sessions while the real flusher thread evaluates, writes and forgets
 * sessions that went quiet, and another thread takes snapshots. Sessions lose their last viewer all the time, so
 * opens race with the flusher retiring their session; viewer ids are reused; closed handles keep receiving input.
 *
 * <p>Checked: a viewer is always visible in its session while its handle is open (never attached to a session the
 * flusher dropped); every input on an open handle is counted exactly once and none on a closed one; every
 * session's stored {@code last_activity} is its newest activity; no viewer row is left; each session's transitions
 * chain and end DISCONNECTED; every snapshot is consistent in itself.
 *
 * <p>Time: {@link SteppingTime} (distinct, bracketable times for every thread).
 */
class IntakeRaceTest {

  private static final int FEEDERS = 3;
  private static final int CYCLES = 4_000;
  private static final int INPUTS_PER_CYCLE = 4;
  private static final String[] SESSIONS = {"s0", "s1", "s2", "s3", "s4"};
  private static final InputKind[] KINDS = {InputKind.KEY_PRESS, InputKind.POINTER_MOVE, InputKind.NOISE,
      InputKind.KEY_RELEASE};

  private final SteppingTime time = new SteppingTime(Instant.parse("2026-01-01T00:00:00Z"));

  /** A session's newest activity lies in (before, after]; kept as the largest bounds seen. */
  private static final class Bracket {
    long before = Long.MIN_VALUE;
    long after = Long.MIN_VALUE;

    void add(long b, long a) {
      before = Math.max(before, b);
      after = Math.max(after, a);
    }
  }

  /** What one feeder did. */
  private static final class Fed {
    final Map<String, Bracket> newest = new HashMap<>();
    final Map<InputKind, Long> counted = new EnumMap<>(InputKind.class);
    final List<String> problems = new ArrayList<>();
  }

  @Test
  void intakeFromManyThreadsRacingTheFlusherLosesNothing() throws Exception {
    RecordingStore store = new RecordingStore(null);
    RecordingListener listener = new RecordingListener();
    RecordingMetrics metrics = new RecordingMetrics();
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .replicaId("r1").activeWindow(Duration.ofMillis(20)).persistInterval(Duration.ofMillis(10))
        .flushTick(Duration.ofMillis(1)).blindPolicy(BlindPolicy.IDLE_WHILE_CONNECTED).store(store)
        .listener(listener).metrics(metrics).build());
    tracker.start();

    AtomicBoolean feeding = new AtomicBoolean(true);
    ExecutorService threads = Executors.newFixedThreadPool(FEEDERS + 1);
    List<Future<Fed>> feeders = new ArrayList<>();
    for (int t = 0; t < FEEDERS; t++) {
      int thread = t;
      feeders.add(threads.submit(() -> feed(tracker, thread)));
    }
    Future<List<String>> watcher = threads.submit(() -> watch(tracker, feeding));
    Map<String, Bracket> newest = new HashMap<>();
    Map<InputKind, Long> counted = new EnumMap<>(InputKind.class);
    List<String> problems = new ArrayList<>();
    for (Future<Fed> feeder : feeders) {
      Fed fed = feeder.get();
      fed.newest.forEach((session, b) -> newest.computeIfAbsent(session, k -> new Bracket()).add(b.before,
          b.after));
      fed.counted.forEach((kind, n) -> counted.merge(kind, n, Long::sum));
      problems.addAll(fed.problems);
    }
    feeding.set(false);
    problems.addAll(watcher.get());
    threads.shutdown();
    tracker.close();

    assertThat(problems).isEmpty();
    assertThat(metrics.inputs).as("every input on an open handle, once").isEqualTo(counted);
    assertThat(newest).containsOnlyKeys(SESSIONS);
    for (Map.Entry<String, Bracket> e : newest.entrySet()) {
      assertThat(store.lastActivity(e.getKey())).as(e.getKey())
          .isAfter(micros(e.getValue().before))
          .isBeforeOrEqualTo(micros(e.getValue().after));
    }
    assertThat(store.viewers()).as("every viewer row deleted").isEmpty();
    assertThat(tracker.snapshots()).as("every session remembered as disconnected")
        .allSatisfy(s -> assertThat(s.state()).isEqualTo(ActivityState.DISCONNECTED))
        .allSatisfy(s -> assertThat(s.viewers()).isEmpty());
    Map<String, ActivityTransition> last = new HashMap<>();
    for (ActivityTransition t : listener.transitions()) {
      ActivityTransition before = last.put(t.sessionId(), t);
      assertThat(t.from()).as("%s after %s", t, before)
          .isEqualTo(before == null ? ActivityState.DISCONNECTED : before.to());
    }
    assertThat(last).containsOnlyKeys(SESSIONS);
    assertThat(last.values()).extracting(ActivityTransition::to).containsOnly(ActivityState.DISCONNECTED);
  }

  private Instant micros(long nanos) {
    return time.origin().plusNanos(nanos).truncatedTo(ChronoUnit.MICROS);
  }

  private Fed feed(ActivityTracker tracker, int thread) {
    Fed fed = new Fed();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      String session = SESSIONS[random.nextInt(SESSIONS.length)];
      String viewerId = "t" + thread + "-v" + (cycle % 3); // ids come back: ABA on the handle must not matter
      long before = time.now();
      Viewer viewer = tracker.viewerOpened(session, viewerId, Map.of("thread", "t" + thread), true);
      fed.newest.computeIfAbsent(session, k -> new Bracket()).add(before, time.now());
      if (viewer.sessionId() == null) {
        fed.problems.add("open of " + session + "/" + viewerId + " was refused");
        continue;
      }
      for (int i = 0; i < INPUTS_PER_CYCLE; i++) {
        InputKind kind = KINDS[random.nextInt(KINDS.length)];
        long b = time.now();
        tracker.input(viewer, kind);
        long a = time.now();
        fed.counted.merge(kind, 1L, Long::sum);
        if (tracker.config().countedKinds().contains(kind)) {
          fed.newest.get(session).add(b, a);
        }
      }
      if (cycle % 7 == 0) {
        tracker.inspectionLost(viewer, "TEST");
      }
      boolean visible = tracker.snapshot(session).map(s -> s.viewers().stream()
          .anyMatch(v -> v.viewerId().equals(viewerId))).orElse(false);
      if (!visible) {
        fed.problems.add(session + "/" + viewerId + " is open but not in its session");
      }
      tracker.viewerClosed(viewer);
      tracker.input(viewer, InputKind.KEY_PRESS); // a closed handle: ignored
    }
    return fed;
  }

  private static List<String> watch(ActivityTracker tracker, AtomicBoolean feeding) {
    List<String> problems = new ArrayList<>();
    while (feeding.get() && problems.size() < 10) {
      for (SessionSnapshot s : tracker.snapshots()) {
        if ((s.state() == ActivityState.DISCONNECTED) != s.viewers().isEmpty()) {
          problems.add("inconsistent snapshot " + s);
        }
        for (ViewerSnapshot v : s.viewers()) {
          if (v.lastActivity().isBefore(v.connectedSince())) {
            problems.add("viewer active before it connected " + v);
          }
        }
      }
    }
    return problems;
  }
}
