package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the frames' arrival times, the budget admits at most its burst plus its rate over the time that passed, and
 * a viewer that keeps within the rate is never refused.
 */
class FrameBudgetProperties {

  @Property
  void neverMoreThanTheBurstPlusTheRate(
      @ForAll @Size(max = 30_000) List<@IntRange(min = 0, max = 2_000) Integer> gapsMicros) {
    FrameBudget budget = FrameBudget.perViewer();
    long now = 1_000_000_000L;
    long start = now;
    long admitted = 0;
    for (int gap : gapsMicros) {
      now += gap * 1_000L;
      if (budget.take(now)) {
        admitted++;
      }
    }
    double seconds = (now - start) / 1e9;
    assertThat((double) admitted).isLessThanOrEqualTo(FrameBudget.BURST + FrameBudget.FRAMES_PER_SECOND * seconds + 1);
  }

  @Property
  void aViewerWithinTheRateIsNeverRefused(@ForAll @IntRange(min = 200, max = 1_000_000) int gapMicros,
      @ForAll @IntRange(min = 1, max = 50_000) int frames) {
    FrameBudget budget = FrameBudget.perViewer();
    long now = 0;
    for (int i = 0; i < frames; i++) {
      now += gapMicros * 1_000L;
      assertThat(budget.take(now)).as("frame %d, one every %d µs", i, gapMicros).isTrue();
    }
  }
}
