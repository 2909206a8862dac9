package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ActivityConfig;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README's Configuration table against the command line and {@link ProxySettings}: one row per option, in the
 * order of {@code --help}, each with the flag and its value's label, the environment variable and the default; and the
 * bounds and tracker rules the prose states.
 */
class ConfigurationReadmeTest {

  private static final String SECTION = "## Configuration";

  @Test
  void everyRowIsAnOptionWithItsEnvironmentVariableAndDefault() throws IOException {
    List<String> expected = new ArrayList<>();
    for (OptionSpec option : ProxyCommand.commandSpec().options()) {
      Setting<?> setting = ProxySettings.ALL.stream().filter(s -> s.flag().equals(option.longestName()))
          .findFirst().orElse(null);
      if (setting == null) {
        // --help and --version: picocli's, with nothing to set.
        expected.add("`" + option.shortestName() + "`, `" + option.longestName() + "` |  | ");
      } else {
        expected.add("`" + setting.flag() + " " + setting.paramLabel().replace("|", "\\|") + "` | `"
            + setting.envVar() + "` | " + setting.documentedDefault());
      }
    }

    List<String> actual = new ArrayList<>();
    for (List<String> row : table()) {
      actual.add(row.get(0) + " | " + row.get(1) + " | " + row.get(2));
      assertThat(row.get(3)).as("meaning of " + row.get(0)).isNotBlank();
    }
    assertThat(actual).as("README.md, " + SECTION + ": flag | environment | default")
        .containsExactlyElementsOf(expected);
  }

  @Test
  void theProseStatesTheLongestDurationAndTheTrackerRules() throws IOException {
    String section = section();
    assertThat(section).contains("at most `" + Durations.format(ProxySettings.MAX_DURATION) + "`");
    for (ActivityConfig.Rule rule : ActivityConfig.Rule.values()) {
      Setting<?> bounded = ProxySettings.tracking(rule.setting());
      Setting<?> by = ProxySettings.tracking(rule.other());
      if (bounded != null && by != null) {
        assertThat(section).as(rule.name())
            .contains("`" + bounded.flag() + "` " + rule.relation().phrase() + " `" + by.flag() + "`");
      }
    }
  }

  /** The rows of the section's first table, cells trimmed, without the header and separator rows. */
  private static List<List<String>> table() throws IOException {
    List<String> lines = section().lines().toList();
    int i = 0;
    while (i < lines.size() && !lines.get(i).startsWith("|")) {
      i++;
    }
    List<List<String>> rows = new ArrayList<>();
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i);
      rows.add(Arrays.stream(line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1)).map(String::trim)
          .toList());
    }
    return rows;
  }

  private static String section() throws IOException {
    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("\n" + SECTION + "\n");
    assertThat(start).as(SECTION + " in README.md").isNotNegative();
    int end = readme.indexOf("\n## ", start + SECTION.length() + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }
}
