package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BackoffProperties {

  @Property
  void retryableDelaysStartAtOneTickDoubleAndStopAtTheCap(@ForAll @IntRange(min = 1, max = 200) int failures,
      @ForAll @LongRange(min = 1, max = 86_400_000_000_000L) long tick,
      @ForAll @LongRange(min = 1, max = 86_400_000_000_000L) long extra) {
    long max = tick + extra - 1;
    long delay = Backoff.delayNanos(failures, true, tick, max);
    assertThat(delay).isBetween(tick, max);
    long next = Backoff.delayNanos(failures + 1, true, tick, max);
    assertThat(next).isEqualTo(Math.min(max, delay * 2 < 0 ? max : delay * 2));
  }

  @Property
  void failuresThatWillNotPassWaitTheCap(@ForAll @IntRange(min = 1, max = 200) int failures,
      @ForAll @LongRange(min = 1, max = 1_000_000_000L) long tick) {
    assertThat(Backoff.delayNanos(failures, false, tick, tick * 30)).isEqualTo(tick * 30);
  }

  @Example
  void defaultsInSeconds() {
    long s = 1_000_000_000L;
    long[] expected = {1, 2, 4, 8, 16, 30, 30};
    for (int i = 0; i < expected.length; i++) {
      assertThat(Backoff.delayNanos(i + 1, true, s, 30 * s)).isEqualTo(expected[i] * s);
    }
  }
}
