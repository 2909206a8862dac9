package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --splice}: {@code auto} by default, read from the flag and the environment, anything else refused. */
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
  }

  @Test
  void anythingElseIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> parse(Map.of(), "--splice", "on")).hasMessage("--splice=on: expected auto or off");
  }
}
