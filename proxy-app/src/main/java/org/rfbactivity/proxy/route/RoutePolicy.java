package org.rfbactivity.proxy.route;

import java.time.Duration;
import java.util.List;
import org.rfbactivity.proxy.config.Durations;

/**
 * The session policy limits one route sets for its viewers, each null when the route does not set it. They come from
 * the routing source (a token-file line's options, a JWT's {@code rfba} claim, the route query's columns; see the
 * proxy-app README, "Per-route policy"); the static route sets none, its viewers get the global flags. This record
 * only carries them: the tracker combines them with the global flags, the stricter winning.
 *
 * @param idleDisconnect {@code idle_disconnect}: close the viewers of a session idle this long
 * @param idleWarning {@code idle_warning}: warn this long before the idle disconnect
 * @param maxSessionDuration {@code max_session_duration}: close a viewer connected this long
 * @param blindMaxDuration {@code blind_max_duration}: close a viewer whose stream cannot be inspected after this long
 */
public record RoutePolicy(Duration idleDisconnect, Duration idleWarning, Duration maxSessionDuration,
    Duration blindMaxDuration) {

  /** A route that sets nothing. */
  public static final RoutePolicy NONE = new RoutePolicy(null, null, null, null);

  public static final String IDLE_DISCONNECT = "idle_disconnect";
  public static final String IDLE_WARNING = "idle_warning";
  public static final String MAX_SESSION_DURATION = "max_session_duration";
  public static final String BLIND_MAX_DURATION = "blind_max_duration";

  /** The option names, as a token-file word, a claim member or a column label spells them. */
  public static final List<String> OPTIONS = List.of(IDLE_DISCONNECT, IDLE_WARNING, MAX_SESSION_DURATION,
      BLIND_MAX_DURATION);

  /** A whole number of seconds longer than this (about 68 years) is not a policy but a mistake. */
  static final long MAX_SECONDS = Integer.MAX_VALUE;

  public RoutePolicy {
    requirePositive(IDLE_DISCONNECT, idleDisconnect);
    requirePositive(IDLE_WARNING, idleWarning);
    requirePositive(MAX_SESSION_DURATION, maxSessionDuration);
    requirePositive(BLIND_MAX_DURATION, blindMaxDuration);
  }

  private static void requirePositive(String name, Duration value) {
    if (value != null && (value.isZero() || value.isNegative())) {
      throw new IllegalArgumentException(name + ": must be greater than zero");
    }
  }

  /**
   * A duration as an option's text gives it: {@code 30m}, {@code 8h}, {@code 500ms}, ISO-8601 {@code PT30M}
   * ({@link Durations}), or a bare whole number of seconds ({@code 1800}).
   *
   * @throws IllegalArgumentException saying what was expected, without repeating the text
   */
  public static Duration parseValue(String text) {
    String value = text == null ? "" : text.strip();
    if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return seconds(value.length() > 12 ? Long.MAX_VALUE : Long.parseLong(value));
    }
    return Durations.parsePositive(value);
  }

  /**
   * A whole number of seconds, as a JSON number or an integer column gives it.
   *
   * @throws IllegalArgumentException when it is not in 1..{@link #MAX_SECONDS}
   */
  public static Duration seconds(long seconds) {
    if (seconds < 1 || seconds > MAX_SECONDS) {
      throw new IllegalArgumentException("must be 1.." + MAX_SECONDS + " seconds");
    }
    return Duration.ofSeconds(seconds);
  }

  /** True when the route sets no option. */
  public boolean isNone() {
    return equals(NONE);
  }

  /** Builds a policy one named option at a time, as the sources find them. */
  static final class Builder {
    private Duration idleDisconnect;
    private Duration idleWarning;
    private Duration maxSessionDuration;
    private Duration blindMaxDuration;

    /**
     * @throws IllegalArgumentException for a name that is not one of {@link #OPTIONS} (the message does not repeat
     *     it: it may be a mistyped secret) or an option given twice
     */
    Builder set(String name, Duration value) {
      switch (name) {
        case IDLE_DISCONNECT -> idleDisconnect = once(IDLE_DISCONNECT, idleDisconnect, value);
        case IDLE_WARNING -> idleWarning = once(IDLE_WARNING, idleWarning, value);
        case MAX_SESSION_DURATION -> maxSessionDuration = once(MAX_SESSION_DURATION, maxSessionDuration, value);
        case BLIND_MAX_DURATION -> blindMaxDuration = once(BLIND_MAX_DURATION, blindMaxDuration, value);
        default -> throw new IllegalArgumentException("unknown option (expected " + String.join(", ", OPTIONS) + ")");
      }
      return this;
    }

    private static Duration once(String name, Duration before, Duration value) {
      if (before != null) {
        throw new IllegalArgumentException(name + " given twice");
      }
      return value;
    }

    RoutePolicy build() {
      RoutePolicy p = new RoutePolicy(idleDisconnect, idleWarning, maxSessionDuration, blindMaxDuration);
      return p.isNone() ? NONE : p;
    }
  }

  /** {@code idle_disconnect=30m max_session_duration=8h}, the options set, as a token-file line writes them. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("RoutePolicy[");
    append(b, IDLE_DISCONNECT, idleDisconnect);
    append(b, IDLE_WARNING, idleWarning);
    append(b, MAX_SESSION_DURATION, maxSessionDuration);
    append(b, BLIND_MAX_DURATION, blindMaxDuration);
    return b.append(']').toString();
  }

  private static void append(StringBuilder b, String name, Duration value) {
    if (value != null) {
      if (b.charAt(b.length() - 1) != '[') {
        b.append(' ');
      }
      b.append(name).append('=').append(Durations.format(value));
    }
  }
}
