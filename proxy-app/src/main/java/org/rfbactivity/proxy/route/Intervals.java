package org.rfbactivity.proxy.route;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route-query policy column given as text: PostgreSQL's default {@code interval} output ({@code 00:30:00},
 * {@code 1 day 02:00:00}, {@code 3 days}), ISO-8601 ({@code PT30M}, as {@code IntervalStyle iso_8601} writes it), or
 * what a token-file option takes ({@code 30m}, {@code 1800}; {@link RoutePolicy#parseValue}).
 */
final class Intervals {

  /** {@code [N day[s]] [HH:MM:SS[.fraction]]}, at least one part; months and years have no fixed length. */
  private static final Pattern POSTGRES = Pattern.compile(
      "(?:(\\d{1,6}) days?)?\\s*(?:(\\d{1,6}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?)?");

  private Intervals() {}

  /** @throws IllegalArgumentException saying what was expected or which bound, without repeating the text */
  static Duration parse(String text) {
    String value = text == null ? "" : text.strip();
    Matcher m = POSTGRES.matcher(value);
    if (value.isEmpty() || !m.matches() || value.startsWith("-")) {
      try {
        return RoutePolicy.parseValue(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected whole seconds, an interval such as 00:30:00 or a duration such "
            + "as 30m");
      }
    }
    Duration d = Duration.ZERO;
    if (m.group(1) != null) {
      d = d.plusDays(Long.parseLong(m.group(1)));
    }
    if (m.group(2) != null) {
      d = d.plusHours(Long.parseLong(m.group(2))).plusMinutes(Long.parseLong(m.group(3)))
          .plusSeconds(Long.parseLong(m.group(4)));
      if (m.group(5) != null) {
        d = d.plusNanos(Long.parseLong((m.group(5) + "00000000").substring(0, 9)));
      }
    }
    return RoutePolicy.withinLimits(d);
  }
}
