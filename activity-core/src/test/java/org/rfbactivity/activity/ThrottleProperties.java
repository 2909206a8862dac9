package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The throttle rule for any input pattern (docs/architecture.md#persistence): a session is written at most once per
 * persistInterval plus once per transition, however fast its input comes; and once input stops for a
 * persistInterval, the stored {@code last_activity} is exactly the newest input.
 */
class ThrottleProperties {

  private static final long MILLI = 1_000_000L;
  private static final long PERSIST_MILLIS = 30_000;

  /** A pause, then a burst of inputs {@code spacing} apart. */
  record Burst(long pauseMillis, int inputs, long spacingMillis) {
  }

  @Provide
  Arbitrary<Burst> bursts() {
    return Combinators.combine(Arbitraries.longs().between(0, 130_000), Arbitraries.integers().between(0, 400),
        Arbitraries.longs().between(1, 250)).as(Burst::new);
  }

  @Property(tries = 200)
  void writesAreBoundedByTimeAndTransitionsNotByInput(
      @ForAll @Size(max = 12) List<@From("bursts") Burst> bursts) {
    FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    RecordingStore store = new RecordingStore(time);
    RecordingListener listener = new RecordingListener();
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
        .clock(time.clock()).store(store).listener(listener).replicaId("r1").build());
    Viewer viewer = tracker.viewerOpened("s", "a", Map.of(), true);

    List<Long> inputs = new ArrayList<>();
    long at = 0;
    for (Burst burst : bursts) {
      at += burst.pauseMillis();
      for (int i = 0; i < burst.inputs(); i++) {
        inputs.add(at);
        at += burst.spacingMillis();
      }
    }
    long end = at + PERSIST_MILLIS + 2_000;
    int next = 0;
    long newest = 0;
    for (long second = 1; second * 1_000 <= end; second++) {
      while (next < inputs.size() && inputs.get(next) < second * 1_000) {
        time.set(Duration.ofNanos(inputs.get(next) * MILLI));
        tracker.input(viewer, InputKind.POINTER_MOVE);
        newest = inputs.get(next);
        next++;
      }
      time.set(Duration.ofSeconds(second));
      tracker.tick();
    }

    long writes = store.writes().stream().filter(w -> !w.batch().viewers().isEmpty()
        || !w.batch().sessions().isEmpty()).count();
    long transitions = listener.transitions().size();
    long bound = transitions + time.nanos() / (PERSIST_MILLIS * MILLI) + 1;
    assertThat(writes).as("%s writes for %s inputs, %s transitions over %s ms", writes, inputs.size(),
        transitions, time.nanos() / MILLI).isLessThanOrEqualTo(bound);
    assertThat(store.sessionRows()).as("last_activity only when it advanced")
        .doesNotHaveDuplicates();
    assertThat(store.lastActivity("s")).isEqualTo(time.origin().plusMillis(newest));
  }
}
