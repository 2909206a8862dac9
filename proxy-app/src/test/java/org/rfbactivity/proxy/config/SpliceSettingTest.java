package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --splice}: {@code auto} by default, read from the flag and the environment, anything else refused; which
 * viewers each mode splices.
 */
class SpliceSettingTest {

  private static ProxyConfig parse(Map<String, String> env, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--target";
    all[1] = "127.0.0.1:5901";
    all[2] = "--session-id";
    all[3] = "s";
    System.arraycopy(args, 0, all, 4, args.length);
    return ProxyCommand.parse(all, env).config();
  }

  @Test
  void autoByDefault() {
    assertThat(parse(Map.of()).splice()).isEqualTo(SpliceMode.AUTO);
  }

  @Test
  void readFromTheFlagAndTheEnvironment() {
    assertThat(parse(Map.of(), "--splice", "off").splice()).isEqualTo(SpliceMode.OFF);
    assertThat(parse(Map.of("RFBA_SPLICE", "OFF")).splice()).isEqualTo(SpliceMode.OFF);
    assertThat(parse(Map.of("RFBA_SPLICE", "off"), "--splice", "auto").splice()).isEqualTo(SpliceMode.AUTO);
    assertThat(parse(Map.of(), "--splice", "off").toString()).contains("splice=off");
    assertThat(parse(Map.of(), "--splice", "On").splice()).isEqualTo(SpliceMode.ON);
  }

  @Test
  void autoSplicesOnlyWhenNeitherEndIsOnLoopback() throws Exception {
    InetAddress v4Loopback = InetAddress.getByName("127.0.0.1");
    InetAddress otherLoopback = InetAddress.getByName("127.4.5.6");
    InetAddress v6Loopback = InetAddress.getByName("::1");
    InetAddress viewer = InetAddress.getByName("192.0.2.10");
    InetAddress server = InetAddress.getByName("2001:db8::5");
    assertThat(SpliceMode.AUTO.splices(viewer, server)).isTrue();
    assertThat(SpliceMode.AUTO.splices(v4Loopback, server)).isFalse();
    assertThat(SpliceMode.AUTO.splices(viewer, otherLoopback)).isFalse();
    assertThat(SpliceMode.AUTO.splices(viewer, v6Loopback)).isFalse();
    assertThat(SpliceMode.AUTO.splices(null, server)).isFalse();
    assertThat(SpliceMode.ON.splices(v4Loopback, v6Loopback)).isTrue();
    assertThat(SpliceMode.OFF.splices(viewer, server)).isFalse();
  }

  @Test
  void anythingElseIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> parse(Map.of(), "--splice", "always"))
        .hasMessage("--splice=always: expected auto, on or off");
  }
}
