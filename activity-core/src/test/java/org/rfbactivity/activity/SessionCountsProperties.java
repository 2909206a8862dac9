package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.rfbactivity.activity.store.StoreException;

/**
 * {@link ActivityTracker#sessionsIn} is counted where states change, never by a walk
 * (docs/architecture.md#sessions-per-state); after any interleaving of opens, inputs, closes, declarations, time
 * steps, store outages and ticks, the counts equal {@link ActivityTracker#snapshots()} counted by state, at each tick
 * (where both have evaluated every session at the same time), whatever the cap on remembered sessions.
 */
class SessionCountsProperties {

  private static final String[] SESSIONS = {"s0", "s1", "s2", "s3"};

  sealed interface Action permits Open, Input, Close, Declare, Advance, Tick, StoreDown, StoreUp {
  }

  record Open(int session, int viewer) implements Action {
  }

  record Input(int handle) implements Action {
  }

  record Close(int handle) implements Action {
  }

  record Declare(int session) implements Action {
  }

  record Advance(long millis) implements Action {
  }

  record Tick() implements Action {
  }

  record StoreDown() implements Action {
  }

  record StoreUp() implements Action {
  }

  @Provide
  Arbitrary<Action> actions() {
    Arbitrary<Integer> handle = Arbitraries.integers().between(0, 15);
    Arbitrary<Integer> session = Arbitraries.integers().between(0, SESSIONS.length - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(3, Combinators.combine(session, Arbitraries.integers().between(0, 2)).as(Open::new)),
        Tuple.of(3, handle.map(Input::new)),
        Tuple.of(3, handle.map(Close::new)),
        Tuple.of(1, session.map(Declare::new)),
        Tuple.of(3, Arbitraries.oneOf(Arbitraries.longs().between(0, 2_000), Arbitraries.just(60_000L))
            .map(Advance::new)),
        Tuple.of(4, Arbitraries.just(new Tick())),
        Tuple.of(1, Arbitraries.just(new StoreDown())),
        Tuple.of(1, Arbitraries.just(new StoreUp())));
  }

  @Property
  void countsAreTheSnapshotsByState(@ForAll @Size(max = 80) List<@From("actions") Action> actions,
      @ForAll @IntRange(min = 0, max = 5) int retained) {
    FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    RecordingStore store = new RecordingStore(time);
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .store(store).retainedSessions(retained).replicaId("r1").build());
    List<Viewer> handles = new ArrayList<>();
    for (Action action : actions) {
      if (action instanceof Open open) {
        handles.add(tracker.viewerOpened(SESSIONS[open.session()], "v" + open.viewer(), Map.of(), true));
      } else if (action instanceof Input input && !handles.isEmpty()) {
        tracker.input(handles.get(input.handle() % handles.size()), InputKind.KEY_PRESS);
      } else if (action instanceof Close close && !handles.isEmpty()) {
        tracker.viewerClosed(handles.get(close.handle() % handles.size()));
      } else if (action instanceof Declare declare) {
        tracker.declareSession(SESSIONS[declare.session()]);
      } else if (action instanceof Advance advance) {
        time.advanceMillis(advance.millis());
      } else if (action instanceof Tick) {
        tracker.tick();
        assertThat(counted(tracker)).isEqualTo(bySnapshot(tracker));
      } else if (action instanceof StoreDown) {
        store.failWith(new StoreException("test - down", true, "08006", null));
      } else if (action instanceof StoreUp) {
        store.failWith(null);
      }
    }
    store.failWith(null);
    tracker.tick();
    assertThat(counted(tracker)).isEqualTo(bySnapshot(tracker));
  }

  @Example
  void oneSessionThroughItsStates() {
    FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .replicaId("r1").build()); // the default 60 s active window
    tracker.declareSession("desk");
    assertThat(counted(tracker)).isEqualTo(counts(0, 0, 1));
    Viewer viewer = tracker.viewerOpened("desk", "v", Map.of(), true);
    assertThat(counted(tracker)).as("an open is activity, counted at once").isEqualTo(counts(1, 0, 0));
    time.advance(Duration.ofSeconds(61));
    assertThat(counted(tracker)).as("the window ran out, not yet evaluated").isEqualTo(counts(1, 0, 0));
    tracker.tick();
    assertThat(counted(tracker)).isEqualTo(counts(0, 1, 0));
    tracker.input(viewer, InputKind.KEY_PRESS);
    tracker.tick();
    assertThat(counted(tracker)).isEqualTo(counts(1, 0, 0));
    tracker.viewerClosed(viewer);
    assertThat(counted(tracker)).isEqualTo(counts(0, 0, 1));
    tracker.tick();
    tracker.tick();
    assertThat(counted(tracker)).as("retired into the remembered sessions, counted once").isEqualTo(counts(0, 0, 1));
    tracker.close();
  }

  private static Map<ActivityState, Long> counts(long active, long idle, long disconnected) {
    return Map.of(ActivityState.ACTIVE, active, ActivityState.CONNECTED_IDLE, idle, ActivityState.DISCONNECTED,
        disconnected);
  }

  private static Map<ActivityState, Long> counted(ActivityTracker tracker) {
    Map<ActivityState, Long> out = new EnumMap<>(ActivityState.class);
    for (ActivityState state : ActivityState.values()) {
      out.put(state, tracker.sessionsIn(state));
    }
    return out;
  }

  private static Map<ActivityState, Long> bySnapshot(ActivityTracker tracker) {
    Map<ActivityState, Long> out = new EnumMap<>(ActivityState.class);
    for (ActivityState state : ActivityState.values()) {
      out.put(state, 0L);
    }
    for (SessionSnapshot s : tracker.snapshots()) {
      out.merge(s.state(), 1L, Long::sum);
    }
    return out;
  }
}
