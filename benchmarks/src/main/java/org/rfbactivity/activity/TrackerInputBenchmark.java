package org.rfbactivity.activity;

import java.util.HashMap;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The intake hot path, {@link ActivityTracker#input}, on a started tracker (its flusher thread ticking beside the
 * benchmark thread) with {@code viewers} viewers over a quarter as many sessions, picked round-robin through a
 * power-of-two mask: 1,024 stay in cache, 16,384 (about 3 MiB of viewer state) mostly do not. Baselines
 * run beside it: {@code nanoTime} (the one ticker read a counted input costs) and {@code inputUncounted} (a kind that
 * is only counted, not timed). Target (docs/architecture.md#target-numbers): at most 50 ns and no allocation per call.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'org.rfbactivity.activity.TrackerInputBenchmark' -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrackerInputBenchmark {

  private static final InputKind[] COUNTED = {InputKind.POINTER_MOVE, InputKind.POINTER_MOVE,
      InputKind.POINTER_MOVE, InputKind.KEY_PRESS, InputKind.POINTER_MOVE, InputKind.POINTER_BUTTON,
      InputKind.POINTER_MOVE, InputKind.POINTER_WHEEL};

  @Param({"1024", "16384"})
  public int viewerCount;

  private ActivityTracker tracker;
  private Viewer[] viewers;
  private int mask;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    tracker = new ActivityTracker(ActivityConfig.builder().replicaId("bench").build());
    viewers = new Viewer[viewerCount];
    mask = viewerCount - 1;
    Map<String, String> attributes = new HashMap<>();
    attributes.put("remote", "10.0.0.1:40000");
    for (int i = 0; i < viewerCount; i++) {
      viewers[i] = tracker.viewerOpened("session-" + (i >> 2), "viewer-" + i, attributes, true);
    }
    tracker.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tracker.close();
  }

  @Benchmark
  public void inputCounted() {
    int i = next++;
    tracker.input(viewers[i & mask], COUNTED[i & 7]);
  }

  @Benchmark
  public void inputUncounted() {
    int i = next++;
    tracker.input(viewers[i & mask], InputKind.NOISE);
  }

  @Benchmark
  public long nanoTime() {
    next++;
    return System.nanoTime();
  }
}
