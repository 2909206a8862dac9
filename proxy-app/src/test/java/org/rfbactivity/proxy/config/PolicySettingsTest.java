package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ViewerPolicy;

/** The five policy flags (docs/architecture.md#policies): off by default, one value, the rules between them named. */
class PolicySettingsTest {

  private static final String[] ROUTE = {"--target", "127.0.0.1:5901", "--session-id", "desk"};

  @Test
  void everyPolicyIsOffByDefault() {
    assertThat(parse().policy()).isSameAs(ViewerPolicy.NONE);
  }

  @Test
  void flagsAndEnvironmentMakeOnePolicy() {
    ViewerPolicy p = ProxyCommand.parse(with("--idle-disconnect", "30m", "--idle-warning", "2m",
        "--max-session-duration", "8h"), Map.of("RFBA_MAX_DURATION_WARNING", "10m", "RFBA_BLIND_MAX_DURATION", "1h"))
        .config().policy();
    assertThat(p).isEqualTo(ViewerPolicy.builder().idleDisconnect(Duration.ofMinutes(30))
        .idleWarning(Duration.ofMinutes(2)).maxSessionDuration(Duration.ofHours(8))
        .maxDurationWarning(Duration.ofMinutes(10)).blindMaxDuration(Duration.ofHours(1)).build());
  }

  @Test
  void aWarningNeedsItsLimitAndLessOfIt() {
    assertThatThrownBy(() -> parse("--idle-warning", "2m")).isInstanceOf(ConfigException.class)
        .hasMessage("--idle-warning=2m: needs --idle-disconnect: a warning of a close that never comes");
    assertThatThrownBy(() -> parse("--idle-disconnect", "1m", "--idle-warning", "1m"))
        .hasMessage("--idle-warning=1m: must be shorter than --idle-disconnect (1m)");
    assertThatThrownBy(() -> parse("--max-duration-warning", "5m"))
        .hasMessage("--max-duration-warning=5m: needs --max-session-duration: a warning of a close that never comes");
    assertThatThrownBy(() -> parse("--max-session-duration", "9000h"))
        .hasMessage("--max-session-duration=9000h: must be at most 8784h");
    assertThatThrownBy(() -> parse("--blind-max-duration", "-1s")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--blind-max-duration=-1s: ");
  }

  private static ProxyConfig parse(String... args) {
    return ProxyCommand.parse(with(args), Map.of()).config();
  }

  private static String[] with(String... args) {
    String[] all = new String[ROUTE.length + args.length];
    System.arraycopy(ROUTE, 0, all, 0, ROUTE.length);
    System.arraycopy(args, 0, all, ROUTE.length, args.length);
    return all;
  }
}
