package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class TimeBaseProperties {

  private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

  @Property
  void conversionIsExactToTheMicrosecondAndMonotonic(
      @ForAll @LongRange(min = -1_000_000_000_000_000L, max = 1_000_000_000_000_000L) long anchor,
      @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) long offset,
      @ForAll @LongRange(min = 0, max = 1_000_000_000L) long later) {
    TimeBase base = TimeBase.anchoredAt(anchor, ORIGIN);
    Instant t = base.toInstant(anchor + offset);
    assertThat(t).isEqualTo(ORIGIN.plusNanos(offset).truncatedTo(ChronoUnit.MICROS));
    assertThat(base.toInstant(anchor + offset + later)).isAfterOrEqualTo(t);
  }

  @Property
  void reanchorsOnlyWhenTheClockDriftedMoreThanAMillisecond(
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long elapsed,
      @ForAll @LongRange(min = -5_000_000L, max = 5_000_000L) long drift) {
    TimeBase base = TimeBase.anchoredAt(0, ORIGIN);
    TimeBase next = base.reanchoredIfDrifted(elapsed, ORIGIN.plusNanos(elapsed + drift));
    if (Math.abs(drift) > TimeBase.MAX_DRIFT_NANOS) {
      assertThat(next).isNotSameAs(base);
      assertThat(next.toInstant(elapsed)).isEqualTo(ORIGIN.plusNanos(elapsed + drift)
          .truncatedTo(ChronoUnit.MICROS));
    } else {
      assertThat(next).isSameAs(base);
    }
  }

  @Example
  void aSteppedClockMovesLaterConversionsOnly() {
    TimeBase base = TimeBase.anchoredAt(0, ORIGIN);
    TimeBase stepped = base.reanchoredIfDrifted(10_000_000_000L, ORIGIN.plusSeconds(20));
    assertThat(stepped.toInstant(10_000_000_000L)).isEqualTo(ORIGIN.plusSeconds(20));
    assertThat(base.toInstant(10_000_000_000L)).isEqualTo(ORIGIN.plusSeconds(10));
  }
}
