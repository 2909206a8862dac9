package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The liveness settings ({@code --ws-ping-interval}, {@code --ws-pong-timeout}, {@code --tcp-keepalive-*}): defaults,
 * read from flags and environment, and each bad value refused naming the setting.
 */
class LivenessSettingsTest {

  private static final String[] ROUTE = {"--target", "127.0.0.1:5901", "--session-id", "s"};

  private static ProxyConfig parse(Map<String, String> env, String... args) {
    String[] all = new String[ROUTE.length + args.length];
    System.arraycopy(ROUTE, 0, all, 0, ROUTE.length);
    System.arraycopy(args, 0, all, ROUTE.length, args.length);
    return ProxyCommand.parse(all, env).config();
  }

  private static ProxyConfig parse(String... args) {
    return parse(Map.of(), args);
  }

  @Test
  void defaults() {
    ProxyConfig c = parse();
    assertThat(c.wsPingInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.wsPongTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.tcpKeepAliveIdle()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.tcpKeepAliveInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.tcpKeepAliveCount()).isEqualTo(3);
  }

  @Test
  void readFromFlagsAndEnvironment() {
    ProxyConfig c = parse(Map.of("RFBA_WS_PONG_TIMEOUT", "5s", "RFBA_TCP_KEEPALIVE_COUNT", "9"),
        "--ws-ping-interval", "2m", "--tcp-keepalive-idle", "PT1M", "--tcp-keepalive-interval", "1s");
    assertThat(c.wsPingInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.wsPongTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.tcpKeepAliveIdle()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.tcpKeepAliveInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.tcpKeepAliveCount()).isEqualTo(9);
  }

  @Test
  void zeroTurnsPingsAndKeepAliveOff() {
    ProxyConfig c = parse("--ws-ping-interval", "0", "--tcp-keepalive-idle", "0s");
    assertThat(c.wsPingInterval()).isZero();
    assertThat(c.tcpKeepAliveIdle()).isZero();
  }

  @Test
  void badValuesAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> parse("--ws-ping-interval", "-1s"))
        .hasMessage("--ws-ping-interval=-1s: expected a duration such as 500ms, 10s, 2m, 1h or PT10S");
    assertThatThrownBy(() -> parse("--ws-ping-interval", "PT-1S"))
        .hasMessage("--ws-ping-interval=PT-1S: must be 0 (off) or more");
    assertThatThrownBy(() -> parse("--ws-ping-interval", "25h"))
        .hasMessage("--ws-ping-interval=25h: must be at most 24h");
    assertThatThrownBy(() -> parse("--ws-pong-timeout", "0"))
        .hasMessage("--ws-pong-timeout=0: unknown unit '' (use ms, s, m or h)");
    assertThatThrownBy(() -> parse("--ws-pong-timeout", "0s"))
        .hasMessage("--ws-pong-timeout=0s: must be greater than zero");
    assertThatThrownBy(() -> parse("--tcp-keepalive-idle", "1500ms"))
        .hasMessage("--tcp-keepalive-idle=1500ms: must be whole seconds");
    assertThatThrownBy(() -> parse("--tcp-keepalive-idle", "10h"))
        .hasMessage("--tcp-keepalive-idle=10h: must be at most 32767s");
    assertThatThrownBy(() -> parse("--tcp-keepalive-interval", "0s"))
        .hasMessage("--tcp-keepalive-interval=0s: must be greater than zero");
    assertThatThrownBy(() -> parse("--tcp-keepalive-interval", "500ms"))
        .hasMessage("--tcp-keepalive-interval=500ms: must be whole seconds");
    assertThatThrownBy(() -> parse("--tcp-keepalive-count", "0"))
        .hasMessage("--tcp-keepalive-count=0: must be 1 to 127");
    assertThatThrownBy(() -> parse("--tcp-keepalive-count", "128"))
        .hasMessage("--tcp-keepalive-count=128: must be 1 to 127");
  }
}
