package org.rfbactivity.proxy.load;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One relay's results in one round: bulk throughput and the relay process's CPU seconds per GB relayed;
 * request-response small updates per second and the relay's CPU microseconds per update (CPU figures are NaN
 * for the direct path, which has no relay), and the part of each the kernel spent on the relay's behalf; one-way input
 * latency percentiles.
 */
record Measurement(double megabytesPerSecond, double cpuSecondsPerGigabyte, double kernelSecondsPerGigabyte,
    double updatesPerSecond, double cpuMicrosPerUpdate, double kernelMicrosPerUpdate, double p50Micros,
    double p99Micros, int lostEvents) {

  /** The median of one metric over several rounds of the same relay (rounds interleave relays). */
  static double median(List<Measurement> rounds, ToDoubleFunction<Measurement> metric) {
    double[] values = rounds.stream().mapToDouble(metric).sorted().toArray();
    if (values.length == 0) {
      return Double.NaN;
    }
    int mid = values.length / 2;
    return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  }

  static String values(List<Measurement> rounds, ToDoubleFunction<Measurement> metric) {
    return Arrays.toString(rounds.stream().mapToDouble(metric).map(v -> Math.round(v * 10) / 10.0).toArray());
  }
}
