package org.rfbactivity.proxy.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Durations as flags write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or ISO-8601 {@code PT10S}. */
public final class Durations {

  private Durations() {}

  /**
   * @throws IllegalArgumentException when the text is not a duration or is not strictly positive
   */
  public static Duration parsePositive(String text) {
    Duration d = parse(text);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    return d;
  }

  /**
   * For settings where zero turns something off; a bare {@code 0} is zero.
   *
   * @throws IllegalArgumentException when the text is not a duration or is negative
   */
  public static Duration parseZeroOrPositive(String text) {
    if (text != null && text.trim().equals("0")) {
      return Duration.ZERO; // "off" needs no unit
    }
    Duration d = parse(text);
    if (d.isNegative()) {
      throw new IllegalArgumentException("must be 0 (off) or more");
    }
    return d;
  }

  static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 2m, 1h or PT10S");
    }
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("pt") || value.startsWith("p")) {
      try {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO-8601 duration (example: PT10S)");
      }
    }
    int unitStart = 0;
    while (unitStart < value.length() && Character.isDigit(value.charAt(unitStart))) {
      unitStart++;
    }
    if (unitStart == 0 || unitStart > 12) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 2m, 1h or PT10S");
    }
    long amount = Long.parseLong(value.substring(0, unitStart));
    String unit = value.substring(unitStart);
    switch (unit) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      case "h":
        return Duration.ofHours(amount);
      default:
        throw new IllegalArgumentException("unknown unit '" + unit + "' (use ms, s, m or h)");
    }
  }

  /** The short form used in logs and help: {@code 10s}, {@code 500ms}. */
  public static String format(Duration d) {
    if (d.toMillisPart() != 0 || d.isZero()) {
      return d.toMillis() + "ms";
    }
    long seconds = d.getSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
