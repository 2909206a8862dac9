package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ActivitySettings;

class ProxySettingsTest {

  @Test
  void namesAreDistinctAndNamingFollowsFromThem() {
    Set<String> names = new HashSet<>();
    for (Setting<?> setting : ProxySettings.ALL) {
      assertThat(names.add(setting.name())).as(setting.name()).isTrue();
      assertThat(setting.name()).matches("[a-z]+(-[a-z]+)*");
      assertThat(setting.flag()).isEqualTo("--" + setting.name());
      assertThat(setting.envVar()).isEqualTo("RFBA_" + setting.name().toUpperCase().replace('-', '_'));
    }
    assertThat(ProxySettings.MAX_CONNECT_RATE_PER_IP.envVar()).isEqualTo("RFBA_MAX_CONNECT_RATE_PER_IP");
  }

  @Test
  void everyDefaultPassesItsOwnCheck() {
    for (Setting<?> setting : ProxySettings.ALL) {
      checkDefault(setting);
    }
  }

  private static <T> void checkDefault(Setting<T> setting) {
    T value = setting.defaultValue();
    if (value != null) {
      assertThat(setting.check(value)).as(setting.name()).isEqualTo(value);
    }
    if (setting.defaultText() != null) {
      assertThat(setting.parse(setting.defaultText())).as(setting.name()).isEqualTo(value);
    }
  }

  @Test
  void theTrackerFlagsDefaultToTheTrackersOwnDefaults() {
    // Written as an operator types them ("60s"), they must be activity-core's values: an embedder and the proxy
    // track alike unless told otherwise.
    int tracking = 0;
    for (Setting<?> setting : ProxySettings.ALL) {
      if (setting.tracks() != null) {
        tracking++;
        assertThat(setting.defaultValue()).as(setting.name()).isEqualTo(setting.tracks().defaultValue());
      }
    }
    assertThat(tracking).as("window, persist interval, tick, blind policy, retained sessions, replica id")
        .isEqualTo(6);
    assertThat(ProxySettings.REPLICA_ID.documentedDefault()).isEqualTo(ActivitySettings.REPLICA_ID.documentedDefault());
  }

  @Test
  void helpShowsEverySettingAsDefined() {
    String help = ProxyCommand.parse(new String[] {"--help"}, Map.of()).helpOrVersion().replaceAll("\\s+", " ");
    for (Setting<?> setting : ProxySettings.ALL) {
      // a switch may be given alone: its value is optional
      String form = setting.switchFlag() ? "[=" + setting.paramLabel() + "]" : "=" + setting.paramLabel();
      assertThat(help).contains(setting.flag() + form, "(" + setting.envVar() + ")");
      if (setting.defaultText() != null) {
        assertThat(help).as(setting.name()).contains("(" + setting.envVar() + "). Default: " + setting.defaultText());
      } else if (!setting.documentedDefault().equals("none")) {
        assertThat(help).as(setting.name())
            .contains("Default: " + setting.documentedDefault().replace("`", "") + ".");
      }
    }
    assertThat(help).contains("at most " + Durations.format(ProxySettings.MAX_DURATION) + ".");
  }
}
