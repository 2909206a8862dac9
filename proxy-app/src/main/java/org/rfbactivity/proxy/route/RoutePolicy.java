package org.rfbactivity.proxy.route;

import java.time.Duration;
import java.util.List;
import org.rfbactivity.activity.ViewerPolicy;
import org.rfbactivity.proxy.config.Durations;

/**
 * The session policy limits one route sets for its viewers, each null when the route does not set it. They come from
 * the routing source (a token-file line's options, a JWT's {@code rfba} claim, the route query's columns; see the
 * proxy-app README, "Per-route policy"); the static route sets none, its viewers get the global flags. This record
 * only carries them; {@link #toViewerPolicy()} hands them to the tracker, which follows the stricter of them and the
 * global flags (docs/architecture.md#policies). The tracker's rules hold here already (each at most
 * {@link ViewerPolicy#MAX_LIMIT}, a warning only with its limit and shorter than it), so a route that sets something
 * the tracker would refuse is refused where it is read, with the option's name.
 *
 * @param idleDisconnect {@code idle_disconnect}: close the viewers of a session idle this long
 * @param idleWarning {@code idle_warning}: warn this long before the idle disconnect
 * @param maxSessionDuration {@code max_session_duration}: close a viewer connected this long
 * @param maxDurationWarning {@code max_duration_warning}: warn this long before that
 * @param blindMaxDuration {@code blind_max_duration}: close a viewer whose stream cannot be inspected after this long
 */
public record RoutePolicy(Duration idleDisconnect, Duration idleWarning, Duration maxSessionDuration,
    Duration maxDurationWarning, Duration blindMaxDuration) {

  /** A route that sets nothing. */
  public static final RoutePolicy NONE = new RoutePolicy(null, null, null, null, null);

  public static final String IDLE_DISCONNECT = "idle_disconnect";
  public static final String IDLE_WARNING = "idle_warning";
  public static final String MAX_SESSION_DURATION = "max_session_duration";
  public static final String MAX_DURATION_WARNING = "max_duration_warning";
  public static final String BLIND_MAX_DURATION = "blind_max_duration";

  /** The option names, as a token-file word, a claim member or a column label spells them. */
  public static final List<String> OPTIONS = List.of(IDLE_DISCONNECT, IDLE_WARNING, MAX_SESSION_DURATION,
      MAX_DURATION_WARNING, BLIND_MAX_DURATION);

  /**
   * @throws IllegalArgumentException naming the option: not positive, longer than {@link ViewerPolicy#MAX_LIMIT}, or
   *     a warning without its limit or not shorter than it
   */
  public RoutePolicy {
    inRange(IDLE_DISCONNECT, idleDisconnect);
    inRange(IDLE_WARNING, idleWarning);
    inRange(MAX_SESSION_DURATION, maxSessionDuration);
    inRange(MAX_DURATION_WARNING, maxDurationWarning);
    inRange(BLIND_MAX_DURATION, blindMaxDuration);
    leadWithin(IDLE_WARNING, idleWarning, IDLE_DISCONNECT, idleDisconnect);
    leadWithin(MAX_DURATION_WARNING, maxDurationWarning, MAX_SESSION_DURATION, maxSessionDuration);
  }

  private static void inRange(String name, Duration value) {
    if (value != null) {
      try {
        withinLimits(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + ": " + e.getMessage());
      }
    }
  }

  /**
   * Every value read passes here: positive and at most {@link ViewerPolicy#MAX_LIMIT}.
   *
   * @throws IllegalArgumentException saying which bound, without the value
   */
  static Duration withinLimits(Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    if (value.compareTo(ViewerPolicy.MAX_LIMIT) > 0) {
      throw new IllegalArgumentException("must be at most " + Durations.format(ViewerPolicy.MAX_LIMIT) + " ("
          + ViewerPolicy.MAX_LIMIT.toDays() + " days)");
    }
    return value;
  }

  /** A warning of no close would never come; one not shorter than its limit would come with the close. */
  private static void leadWithin(String lead, Duration leadValue, String limit, Duration limitValue) {
    if (leadValue == null) {
      return;
    }
    if (limitValue == null) {
      throw new IllegalArgumentException(lead + " needs " + limit + " on the same route");
    }
    if (leadValue.compareTo(limitValue) >= 0) {
      throw new IllegalArgumentException(lead + " must be shorter than " + limit);
    }
  }

  /**
   * A duration as an option's text gives it: {@code 30m}, {@code 8h}, {@code 500ms}, ISO-8601 {@code PT30M}
   * ({@link Durations}), or a bare whole number of seconds ({@code 1800}); positive and at most
   * {@link ViewerPolicy#MAX_LIMIT}.
   *
   * @throws IllegalArgumentException saying what was expected, without repeating the text
   */
  public static Duration parseValue(String text) {
    String value = text == null ? "" : text.strip();
    if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // More digits than a long holds is more seconds than any limit allows: the range check says so.
      return seconds(value.length() > 18 ? Long.MAX_VALUE : Long.parseLong(value));
    }
    return withinLimits(Durations.parsePositive(value));
  }

  /**
   * A whole number of seconds, as a JSON number or an integer column gives it.
   *
   * @throws IllegalArgumentException when it is not positive or beyond the longest limit
   */
  public static Duration seconds(long seconds) {
    return withinLimits(Duration.ofSeconds(seconds));
  }

  /** True when the route sets no option. */
  public boolean isNone() {
    return equals(NONE);
  }

  /** The tracker's form, given at the viewer's open; cannot fail, as the tracker's rules were checked here. */
  public ViewerPolicy toViewerPolicy() {
    if (isNone()) {
      return ViewerPolicy.NONE;
    }
    ViewerPolicy.Builder b = ViewerPolicy.builder();
    if (idleDisconnect != null) {
      b.idleDisconnect(idleDisconnect);
    }
    if (idleWarning != null) {
      b.idleWarning(idleWarning);
    }
    if (maxSessionDuration != null) {
      b.maxSessionDuration(maxSessionDuration);
    }
    if (maxDurationWarning != null) {
      b.maxDurationWarning(maxDurationWarning);
    }
    if (blindMaxDuration != null) {
      b.blindMaxDuration(blindMaxDuration);
    }
    return b.build();
  }

  /** Builds a policy one named option at a time, as the sources find them. */
  static final class Builder {
    private Duration idleDisconnect;
    private Duration idleWarning;
    private Duration maxSessionDuration;
    private Duration maxDurationWarning;
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
        case MAX_DURATION_WARNING -> maxDurationWarning = once(MAX_DURATION_WARNING, maxDurationWarning, value);
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

    /** @throws IllegalArgumentException as the record's constructor */
    RoutePolicy build() {
      RoutePolicy p = new RoutePolicy(idleDisconnect, idleWarning, maxSessionDuration, maxDurationWarning,
          blindMaxDuration);
      return p.isNone() ? NONE : p;
    }
  }

  /** {@code RoutePolicy[idle_disconnect=30m max_session_duration=8h]}: the options set, as a token-file line has them. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("RoutePolicy[");
    append(b, IDLE_DISCONNECT, idleDisconnect);
    append(b, IDLE_WARNING, idleWarning);
    append(b, MAX_SESSION_DURATION, maxSessionDuration);
    append(b, MAX_DURATION_WARNING, maxDurationWarning);
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
