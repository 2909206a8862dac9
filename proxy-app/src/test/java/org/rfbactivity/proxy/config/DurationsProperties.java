package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class DurationsProperties {

  @Property
  void shortFormsMeanWhatTheySay(@ForAll @LongRange(min = 1, max = 1_000_000) long n) {
    assertThat(Durations.parsePositive(n + "ms")).isEqualTo(Duration.ofMillis(n));
    assertThat(Durations.parsePositive(n + "s")).isEqualTo(Duration.ofSeconds(n));
    assertThat(Durations.parsePositive(n + "m")).isEqualTo(Duration.ofMinutes(n));
    assertThat(Durations.parsePositive(n + "h")).isEqualTo(Duration.ofHours(n));
    assertThat(Durations.parsePositive(" " + n + "S ")).isEqualTo(Duration.ofSeconds(n));
  }

  @Property
  void formatThenParseIsIdentity(@ForAll @LongRange(min = 1, max = 10_000_000_000L) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(Durations.parsePositive(Durations.format(d))).isEqualTo(d);
  }

  @Property
  void isoFormsAreAccepted(@ForAll @LongRange(min = 1, max = 1_000_000) long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    assertThat(Durations.parsePositive(d.toString())).isEqualTo(d);
    assertThat(Durations.parsePositive(d.toString().toLowerCase())).isEqualTo(d);
  }

  @Property
  void anyTextEitherParsesToAPositiveDurationOrIsRefusedWithAReason(@ForAll String text) {
    try {
      assertThat(Durations.parsePositive(text)).isPositive();
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Example
  void zeroAndNegativeAreRefused() {
    assertThatThrownBy(() -> Durations.parsePositive("0ms")).hasMessage("must be greater than zero");
    assertThatThrownBy(() -> Durations.parsePositive("PT-1S")).hasMessage("must be greater than zero");
    assertThatThrownBy(() -> Durations.parsePositive("-1s"))
        .hasMessage("expected a duration such as 500ms, 10s, 2m, 1h or PT10S");
    assertThatThrownBy(() -> Durations.parsePositive("1d")).hasMessage("unknown unit 'd' (use ms, s, m or h)");
    assertThatThrownBy(() -> Durations.parsePositive("1234567890123s"))
        .hasMessage("expected a duration such as 500ms, 10s, 2m, 1h or PT10S");
  }
}
