package org.rfbactivity.activity;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the admin API pays: {@link ActivityTracker#snapshot} of one session (two viewers) and
 * {@link ActivityTracker#snapshots()} of all, for {@code sessions} sessions with two viewers each; plus one
 * {@code tick} (evaluate every session, nothing due, memory-only store) for scale. {@code policies=on} runs the same
 * with every policy on (docs/architecture.md#policies), none of them due: what evaluating them costs a tick.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'org.rfbactivity.activity.TrackerSnapshotBenchmark' -prof gc
 * java -jar benchmarks/target/benchmarks.jar 'TrackerSnapshotBenchmark.tickNothingDue' -p sessions=10000
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrackerSnapshotBenchmark {

  @Param({"100", "10000"})
  public int sessions;

  @Param({"off", "on"})
  public String policies;

  private ActivityTracker tracker;

  @Setup(Level.Trial)
  public void setUp() {
    ActivityConfig.Builder config = ActivityConfig.builder().replicaId("bench");
    if (policies.equals("on")) {
      // Every policy on, with the deadlines far beyond the run: the tick evaluates them and finds nothing due.
      config.policy(ViewerPolicy.builder().idleDisconnect(Duration.ofMinutes(30)).idleWarning(Duration.ofMinutes(1))
          .maxSessionDuration(Duration.ofHours(8)).maxDurationWarning(Duration.ofMinutes(5))
          .blindMaxDuration(Duration.ofHours(1)).build()).viewerCloser((viewer, reason) -> {
            throw new IllegalStateException("no policy is due during the run: " + reason);
          });
    }
    tracker = new ActivityTracker(config.build());
    for (int i = 0; i < sessions; i++) {
      for (int v = 0; v < 2; v++) {
        Viewer viewer = tracker.viewerOpened("session-" + i, "viewer-" + v,
            Map.of("remote", "10.0.0." + v + ":40000"), true);
        tracker.input(viewer, InputKind.KEY_PRESS);
        tracker.input(viewer, InputKind.POINTER_MOVE);
      }
    }
    tracker.tick();
  }

  @Benchmark
  public Optional<SessionSnapshot> snapshotOne() {
    return tracker.snapshot("session-42");
  }

  @Benchmark
  public List<SessionSnapshot> snapshotAll() {
    return tracker.snapshots();
  }

  @Benchmark
  public void tickNothingDue() {
    tracker.tick();
  }
}
