package org.rfbactivity.proxy.load;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One-way input latency: the client stamps event {@code seq} when it writes it, the scripted server stamps
 * it when the PointerEvent arrives. The send stamps cross threads, hence the atomic array; each latency
 * slot is written by the server's one event-loop thread and read after the run.
 */
final class LatencyProbe {

  private final AtomicLongArray sent;
  private final long[] latency;
  private volatile int arrivals;

  LatencyProbe(int events) {
    this.sent = new AtomicLongArray(events);
    this.latency = new long[events];
    Arrays.fill(latency, -1);
  }

  int capacity() {
    return latency.length;
  }

  void sent(int seq, long nanos) {
    sent.set(seq, nanos);
  }

  void arrived(int seq, long nanos) {
    if (seq >= 0 && seq < latency.length) {
      latency[seq] = nanos - sent.get(seq);
      arrivals++; // single writer: the server's event loop
    }
  }

  int arrivals() {
    return arrivals;
  }

  /** Latencies of the events that arrived, in nanoseconds, sorted; events before {@code skip} are warm-up. */
  long[] sortedLatencies(int skip) {
    return Arrays.stream(latency, skip, latency.length).filter(l -> l >= 0).sorted().toArray();
  }

  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
