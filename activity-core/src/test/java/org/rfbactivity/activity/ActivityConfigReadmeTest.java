package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's {@code ActivityConfig.builder()} table against {@link ActivitySettings}: the same settings in the same
 * order, each with the documented default, and each rule between settings stated on the row of the setting it bounds.
 */
class ActivityConfigReadmeTest {

  private static final String TABLE_HEADING = "### `ActivityConfig.builder()`";

  @Test
  void everyRowIsASettingWithItsDefault() throws IOException {
    List<List<String>> rows = table();

    List<String> expected = new ArrayList<>();
    for (ActivitySetting<?> setting : ActivitySettings.ALL) {
      expected.add("`" + setting.name() + "` | " + setting.documentedDefault());
    }
    List<String> actual = new ArrayList<>();
    for (List<String> row : rows) {
      actual.add(row.get(0) + " | " + row.get(1));
    }
    assertThat(actual).as("README.md, " + TABLE_HEADING + ": setting | default").containsExactlyElementsOf(expected);
  }

  @Test
  void everyRuleIsStatedWhereItsSettingIsDescribed() throws IOException {
    List<List<String>> rows = table();
    for (ActivityConfig.Rule rule : ActivityConfig.Rule.values()) {
      String meaning = rows.stream().filter(row -> row.get(0).equals("`" + rule.setting().name() + "`"))
          .map(row -> row.get(2)).findFirst().orElseThrow();
      assertThat(meaning).as(rule.name())
          .contains("`" + rule.relation().symbol() + " " + rule.other().name() + "`");
    }
  }

  @Test
  void theLongestDurationIsTheOneChecked() throws IOException {
    assertThat(readme()).contains("at most `" + ActivitySettings.MAX_DURATION + "`");
  }

  /** The rows of the table under {@link #TABLE_HEADING}, cells trimmed, without the header and separator rows. */
  private static List<List<String>> table() throws IOException {
    List<String> lines = readme().lines().toList();
    int heading = lines.indexOf(TABLE_HEADING);
    assertThat(heading).as(TABLE_HEADING + " in README.md").isNotNegative();
    List<List<String>> rows = new ArrayList<>();
    int i = heading + 1;
    while (i < lines.size() && !lines.get(i).startsWith("|")) {
      i++;
    }
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i);
      rows.add(Arrays.stream(line.substring(1, line.length() - 1).split("(?<!\\\\)\\|")).map(String::trim).toList());
    }
    return rows;
  }

  private static String readme() throws IOException {
    return Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
  }
}
