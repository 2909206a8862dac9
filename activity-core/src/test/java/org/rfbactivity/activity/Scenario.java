package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One row of the transition table: timed intake steps and checks against a tracker on fake time, and the exact
 * transitions listeners must receive. Times are seconds since the fake origin ("70.25"); transitions are written
 * {@code "<session> <from>-><to> @<seconds> <viewer>/<kind or -> <reason>"}.
 */
final class Scenario {

  private final String name;
  private final List<Step> steps = new ArrayList<>();
  private final List<String> expected = new ArrayList<>();
  private BlindPolicy policy = BlindPolicy.ACTIVE_WHILE_SENDING;
  private Set<InputKind> countedKinds = ActivitySettings.COUNTED_KINDS.defaultValue();
  private Duration at = Duration.ZERO;

  private record Step(Duration at, String description, Consumer<Run> action) {
  }

  /** What a running scenario holds. */
  static final class Run {
    final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    final RecordingListener listener = new RecordingListener();
    final ActivityTracker tracker;
    final Map<String, Viewer> viewers = new HashMap<>();

    Run(BlindPolicy policy, Set<InputKind> counted) {
      tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
          .blindPolicy(policy).countedKinds(counted).replicaId("r1").listener(listener).build());
    }

    SessionSnapshot snapshot(String session) {
      return tracker.snapshot(session).orElseThrow(() -> new AssertionError("no session " + session));
    }
  }

  private Scenario(String name) {
    this.name = name;
  }

  static Scenario named(String name) {
    return new Scenario(name);
  }

  Scenario policy(BlindPolicy policy) {
    this.policy = policy;
    return this;
  }

  Scenario counting(InputKind... kinds) {
    this.countedKinds = Set.of(kinds);
    return this;
  }

  Scenario at(String seconds) {
    this.at = seconds(seconds);
    return this;
  }

  Scenario open(String session, String viewer) {
    return step("open " + session + "/" + viewer,
        r -> r.viewers.put(viewer, r.tracker.viewerOpened(session, viewer, Map.of(), true)));
  }

  Scenario openUninspectable(String session, String viewer) {
    return step("open uninspectable " + session + "/" + viewer,
        r -> r.viewers.put(viewer, r.tracker.viewerOpened(session, viewer, Map.of(), false)));
  }

  Scenario input(String viewer, InputKind kind) {
    return step("input " + viewer + " " + kind, r -> r.tracker.input(r.viewers.get(viewer), kind));
  }

  Scenario lost(String viewer, String reason) {
    return step("inspection lost " + viewer, r -> r.tracker.inspectionLost(r.viewers.get(viewer), reason));
  }

  Scenario close(String viewer) {
    return step("close " + viewer, r -> r.tracker.viewerClosed(r.viewers.get(viewer)));
  }

  Scenario tick() {
    return step("tick", r -> r.tracker.tick());
  }

  Scenario state(String session, ActivityState state) {
    return step("state of " + session, r -> assertThat(r.snapshot(session).state())
        .as("%s: state of %s at %ss", name, session, seconds(r.time.nanos())).isEqualTo(state));
  }

  Scenario viewerState(String session, String viewer, ActivityState state) {
    return step("state of viewer " + viewer, r -> assertThat(r.snapshot(session).viewers())
        .as("%s: viewer %s at %ss", name, viewer, seconds(r.time.nanos()))
        .filteredOn(v -> v.viewerId().equals(viewer)).singleElement()
        .extracting(ViewerSnapshot::state).isEqualTo(state));
  }

  Scenario lastActivity(String session, String seconds) {
    return step("last activity of " + session, r -> assertThat(r.snapshot(session).lastActivity())
        .as("%s: last activity of %s", name, session).isEqualTo(r.time.at(seconds(seconds))));
  }

  Scenario inspectable(String session, boolean all) {
    return step("inspectable", r -> assertThat(r.snapshot(session).allViewersInspectable())
        .as("%s: all viewers of %s inspectable", name, session).isEqualTo(all));
  }

  Scenario viewers(String session, int count) {
    return step("viewers of " + session, r -> assertThat(r.snapshot(session).viewers())
        .as("%s: viewers of %s", name, session).hasSize(count));
  }

  /** The tracker let go of the session's slot; it still answers DISCONNECTED from what it remembers. */
  Scenario absent(String session) {
    return step("absent " + session, r -> {
      assertThat(r.tracker.holds(session)).as("%s: %s let go", name, session).isFalse();
      assertThat(r.snapshot(session).state()).as("%s: %s remembered", name, session)
          .isEqualTo(ActivityState.DISCONNECTED);
    });
  }

  Scenario expect(String... transitions) {
    expected.addAll(Arrays.asList(transitions));
    return this;
  }

  private Scenario step(String description, Consumer<Run> action) {
    if (!steps.isEmpty() && at.compareTo(steps.get(steps.size() - 1).at()) < 0) {
      throw new IllegalArgumentException(name + ": steps must be in time order at " + description);
    }
    steps.add(new Step(at, description, action));
    return this;
  }

  /** Runs every step, then one last tick to deliver what is queued; checks the transitions. */
  void run() {
    Run r = new Run(policy, countedKinds);
    for (Step step : steps) {
      r.time.set(step.at());
      step.action().accept(r);
    }
    r.tracker.tick();
    List<String> actual = new ArrayList<>();
    for (ActivityTransition t : r.listener.transitions()) {
      actual.add(format(t, r.time));
    }
    assertThat(actual).as(name).containsExactlyElementsOf(expected);
  }

  static String format(ActivityTransition t, FakeTime time) {
    return t.sessionId() + " " + t.from() + "->" + t.to() + " @" + seconds(Duration.between(time.origin(),
        t.at()).toNanos()) + " " + t.causeViewerId() + "/" + (t.causeInputKind() == null ? "-"
        : t.causeInputKind()) + " " + t.reason();
  }

  static Duration seconds(String seconds) {
    return Duration.ofNanos(new BigDecimal(seconds).movePointRight(9).longValueExact());
  }

  static String seconds(long nanos) {
    BigDecimal s = BigDecimal.valueOf(nanos).movePointLeft(9).stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0).toPlainString() : s.toPlainString();
  }

  @Override
  public String toString() {
    return name;
  }
}
