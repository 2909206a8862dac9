package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever arrives in whatever order, the limits hold: never more open than the total or a source's limit, never more
 * admitted from one source than its burst plus its rate over the time that passed, and the open count is exactly what
 * was admitted and not yet released.
 */
class ConnectionLimitsProperties {

  /** An action: 0–3 connect from source n, 4 release the oldest open connection, 5 advance time, 6 a failure. */
  record Step(int kind, int source, int millis) {}

  @Provide
  Arbitrary<Step> steps() {
    return Arbitraries.integers().between(0, 6).flatMap(kind -> Arbitraries.integers().between(0, 3)
        .flatMap(source -> Arbitraries.integers().between(0, 1500).map(ms -> new Step(kind, source, ms))));
  }

  @Property
  void theLimitsHoldForAnyArrivals(@ForAll @Size(max = 300) List<@From("steps") Step> steps,
      @ForAll @IntRange(min = 1, max = 20) int total, @ForAll @IntRange(min = 0, max = 5) int perSource,
      @ForAll @IntRange(min = 0, max = 10) int rate) throws Exception {
    AtomicLong now = new AtomicLong(0);
    ConnectionLimits limits = new ConnectionLimits(total, perSource, rate, now::get);
    List<InetAddress> held = new ArrayList<>();
    Map<InetAddress, Integer> admitted = new HashMap<>();
    for (Step step : steps) {
      InetAddress source = InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) step.source()});
      if (step.kind() <= 3) {
        if (limits.admit(source) == ConnectionLimits.Admission.ADMITTED) {
          held.add(source);
          admitted.merge(source, 1, Integer::sum);
        }
      } else if (step.kind() == 4 && !held.isEmpty()) {
        limits.release(held.remove(0));
      } else if (step.kind() == 5) {
        now.addAndGet(step.millis() * 1_000_000L);
      } else if (step.kind() == 6) {
        limits.authenticationFailed(source);
      }
      assertThat(limits.open()).isEqualTo(held.size()).isLessThanOrEqualTo(total);
      if (perSource > 0) {
        for (InetAddress a : held) {
          assertThat(held.stream().filter(a::equals).count()).isLessThanOrEqualTo(perSource);
        }
      }
    }
    if (rate > 0) {
      double seconds = now.get() / 1e9;
      for (int count : admitted.values()) {
        assertThat((double) count).isLessThanOrEqualTo(rate * ConnectionLimits.BURST_SECONDS + rate * seconds + 1e-9);
      }
    }
  }
}
