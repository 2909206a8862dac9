package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.rfbactivity.activity.store.SessionActivityRow;
import org.rfbactivity.activity.store.StoreException;

/**
 * Any interleaving of opens, inputs, inspection losses, closes, ticks, snapshots, time steps and store outages keeps
 * the tracker's promises: what it sends as a session's {@code last_activity} never goes down; after close the stored
 * value is exactly the newest activity (opens and counted inputs, blind traffic under the policy that counts it);
 * snapshots show the state the README defines; each session's transitions chain and end DISCONNECTED.
 */
class TrackerProperties {

  private static final long WINDOW = Duration.ofSeconds(60).toNanos();
  private static final String[] SESSIONS = {"s0", "s1", "s2"};
  private static final String[] VIEWER_IDS = {"v0", "v1", "v2"};

  /** One intake or environment action. */
  sealed interface Action permits Open, Input, Lost, Close, Advance, Tick, Snapshot, StoreDown, StoreUp {
  }

  record Open(int session, int viewer, boolean inspectable) implements Action {
  }

  record Input(int handle, InputKind kind) implements Action {
  }

  record Lost(int handle) implements Action {
  }

  record Close(int handle) implements Action {
  }

  record Advance(long millis) implements Action {
  }

  record Tick() implements Action {
  }

  record Snapshot(int session) implements Action {
  }

  record StoreDown() implements Action {
  }

  record StoreUp() implements Action {
  }

  @Provide
  Arbitrary<Action> actions() {
    Arbitrary<Integer> handle = Arbitraries.integers().between(0, 15);
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 2);
    Arbitrary<Action> open = Combinators.combine(index, index, Arbitraries.of(true, true, true, false))
        .as((s, v, inspectable) -> new Open(s, v, inspectable));
    Arbitrary<Action> input = Combinators.combine(handle, Arbitraries.of(InputKind.class))
        .as((h, kind) -> new Input(h, kind));
    Arbitrary<Action> advance = Arbitraries.oneOf(Arbitraries.longs().between(0, 2_000),
        Arbitraries.longs().between(0, 90_000), Arbitraries.just(60_000L)).map(Advance::new);
    return Arbitraries.frequencyOf(
        Tuple.of(3, open),
        Tuple.of(8, input),
        Tuple.of(1, handle.map(Lost::new)),
        Tuple.of(2, handle.map(Close::new)),
        Tuple.of(4, advance),
        Tuple.of(3, Arbitraries.just(new Tick())),
        Tuple.of(2, index.map(Snapshot::new)),
        Tuple.of(1, Arbitraries.just(new StoreDown())),
        Tuple.of(1, Arbitraries.just(new StoreUp())));
  }

  @Property
  void promisesHoldForAnyInterleaving(@ForAll @Size(max = 80) List<@From("actions") Action> actions,
      @ForAll BlindPolicy policy) {
    FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    RecordingStore store = new RecordingStore(time);
    RecordingListener listener = new RecordingListener();
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
        .clock(time.clock()).store(store).listener(listener).blindPolicy(policy).replicaId("r1").build());
    Model model = new Model(tracker.config());

    for (Action action : actions) {
      long now = time.nanos();
      if (action instanceof Open) {
        Open open = (Open) action;
        Viewer viewer = tracker.viewerOpened(SESSIONS[open.session()], VIEWER_IDS[open.viewer()], Map.of(),
            open.inspectable());
        model.opened(viewer, open.inspectable(), now);
      } else if (action instanceof Input) {
        Input input = (Input) action;
        Viewer viewer = model.handle(input.handle());
        tracker.input(viewer, input.kind());
        model.input(viewer, input.kind(), now);
      } else if (action instanceof Lost) {
        Viewer viewer = model.handle(((Lost) action).handle());
        tracker.inspectionLost(viewer, "TEST");
        model.lost(viewer);
      } else if (action instanceof Close) {
        Viewer viewer = model.handle(((Close) action).handle());
        tracker.viewerClosed(viewer);
        model.closed(viewer);
      } else if (action instanceof Advance) {
        time.advanceMillis(((Advance) action).millis());
      } else if (action instanceof Tick) {
        tracker.tick();
      } else if (action instanceof Snapshot) {
        String session = SESSIONS[((Snapshot) action).session()];
        model.check(session, tracker.snapshot(session), time);
      } else if (action instanceof StoreDown) {
        store.failWith(new StoreException("test - down", true, "08006", null));
      } else {
        store.failWith(null);
      }
    }
    store.failWith(null);
    tracker.close();

    Map<String, Instant> sent = new HashMap<>();
    for (SessionActivityRow row : store.sessionRows()) {
      Instant previous = sent.put(row.sessionId(), row.lastActivity());
      // Never lower. Equal is possible only when a forgotten session reopens at the same instant.
      assertThat(previous == null || !row.lastActivity().isBefore(previous))
          .as("%s sent %s after %s", row.sessionId(), row.lastActivity(), previous).isTrue();
    }
    for (String session : SESSIONS) {
      Long newest = model.newest.get(session);
      assertThat(store.lastActivity(session)).as("stored last_activity of %s", session)
          .isEqualTo(newest == null ? null : time.origin().plusNanos(newest));
    }
    assertThat(store.viewers()).as("every viewer row deleted").isEmpty();
    Map<String, ActivityTransition> last = new HashMap<>();
    for (ActivityTransition t : listener.transitions()) {
      ActivityTransition before = last.put(t.sessionId(), t);
      assertThat(t.from()).isEqualTo(before == null ? ActivityState.DISCONNECTED : before.to());
      if (before != null) {
        assertThat(t.at()).isAfterOrEqualTo(before.at());
      }
    }
    assertThat(last.values()).allMatch(t -> t.to() == ActivityState.DISCONNECTED, "ends DISCONNECTED");
  }

  /** What the tracker must know, kept the simplest way. */
  private static final class Model {
    final ActivityConfig config;
    final List<Viewer> handles = new ArrayList<>();
    final Map<Viewer, Boolean> open = new HashMap<>();
    final Map<Viewer, Boolean> blind = new HashMap<>();
    final Map<Viewer, Boolean> reasonKnown = new HashMap<>();
    final Map<String, Long> newest = new HashMap<>();

    Model(ActivityConfig config) {
      this.config = config;
    }

    Viewer handle(int index) {
      return handles.isEmpty() ? null : handles.get(index % handles.size());
    }

    private boolean connected(Viewer v) {
      return v != null && open.get(v);
    }

    void opened(Viewer viewer, boolean inspectable, long now) {
      for (Viewer other : handles) {
        if (connected(other) && other.sessionId().equals(viewer.sessionId())
            && other.viewerId().equals(viewer.viewerId())) {
          open.put(other, false); // replaced by the new connection
        }
      }
      handles.add(viewer);
      open.put(viewer, true);
      blind.put(viewer, !inspectable);
      reasonKnown.put(viewer, false);
      newest.merge(viewer.sessionId(), now, Math::max); // opening counts as activity
    }

    void input(Viewer viewer, InputKind kind, long now) {
      if (connected(viewer) && config.counts(kind)) {
        newest.merge(viewer.sessionId(), now, Math::max);
      }
    }

    void lost(Viewer viewer) {
      if (connected(viewer) && !reasonKnown.get(viewer)) {
        blind.put(viewer, true);
        reasonKnown.put(viewer, true);
      }
    }

    void closed(Viewer viewer) {
      if (connected(viewer)) {
        open.put(viewer, false);
      }
    }

    void check(String session, Optional<SessionSnapshot> snapshot, FakeTime time) {
      boolean connected = false;
      for (Viewer v : handles) {
        connected |= connected(v) && v.sessionId().equals(session);
      }
      if (!connected) {
        snapshot.ifPresent(s -> assertThat(s.state()).isEqualTo(ActivityState.DISCONNECTED));
        return;
      }
      SessionSnapshot s = snapshot.orElseThrow();
      long now = time.nanos();
      long last = newest.get(session);
      ActivityState expected = now - last < WINDOW ? ActivityState.ACTIVE
          : ActivityState.CONNECTED_IDLE;
      assertThat(s.state()).as("state of %s at %s", session, now).isEqualTo(expected);
      assertThat(s.lastActivity()).isEqualTo(time.origin().plusNanos(last));
      assertThat(s.allViewersInspectable()).isEqualTo(handles.stream()
          .noneMatch(v -> connected(v) && v.sessionId().equals(session) && blind.get(v)));
    }
  }
}
