package org.rfbactivity.rfb;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What {@link SyntheticInputDetector} adds per PointerEvent (docs/protocol.md#synthetic-input): the bridge's
 * {@code pointer} then {@code classify} calls, over {@value #EVENTS} prebuilt events. Reported times are per event.
 *
 * <p>Workloads: {@code HUMAN} (moves of 1 to 40 px every 8 to 30 ms, a pause now and then: mostly the "real move"
 * path) and {@code JIGGLE} (a 1 px move and its return every 30 s: the burst, cadence and synthetic path). Clocks:
 * {@code fake} reads the event's prebuilt time (the detector's own cost), {@code nanoTime} reads
 * {@link System#nanoTime()} as the proxy's ticker does (times then are not the events', only the cost counts).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SyntheticInputDetectorBenchmark {

  static final int EVENTS = 4096;

  public enum Workload { HUMAN, JIGGLE }

  @Param
  public Workload workload;

  @Param({"fake", "nanoTime"})
  public String clock;

  private final int[] xs = new int[EVENTS];
  private final int[] ys = new int[EVENTS];
  private final long[] times = new long[EVENTS];
  /** The prebuilt time the fake clock answers. */
  private long now;
  private long offset;
  private SyntheticInputDetector detector;

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(42);
    long t = 0;
    int x = 960;
    int y = 540;
    for (int i = 0; i < EVENTS; i++) {
      if (workload == Workload.HUMAN) {
        t += random.nextInt(50) == 0 ? 2_000_000_000L : 8_000_000L + random.nextInt(22_000_000);
        x = Math.floorMod(x + random.nextInt(81) - 40, 1920);
        y = Math.floorMod(y + random.nextInt(81) - 40, 1080);
      } else {
        t += i % 2 == 0 ? 30_000_000_000L - 2_000_000L : 2_000_000L;
        x = i % 2 == 0 ? 961 : 960;
      }
      xs[i] = x;
      ys[i] = y;
      times[i] = t;
    }
    detector = new SyntheticInputDetector("fake".equals(clock) ? () -> now : System::nanoTime);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void pointerEvent(Blackhole bh) {
    // Each pass continues the previous one's timeline, so the rhythm is not broken at the wrap.
    long base = offset;
    for (int i = 0; i < EVENTS; i++) {
      now = base + times[i];
      detector.pointer(InputKind.POINTER_MOVE, 0, xs[i], ys[i]);
      bh.consume(detector.classify(InputKind.POINTER_MOVE));
    }
    offset = base + times[EVENTS - 1] + 30_000_000_000L - times[0];
  }
}
