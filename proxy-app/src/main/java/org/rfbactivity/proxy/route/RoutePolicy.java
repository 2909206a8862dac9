package org.rfbactivity.proxy.route;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.rfbactivity.activity.ViewerPolicy;
import org.rfbactivity.proxy.config.Durations;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.rfb.InputClass;

/**
 * The options one route sets for its viewers, each null when the route does not set it: the one home of per-route
 * viewer options. They come from the routing source (a token-file line's options, a JWT's {@code rfba} claim, the
 * route query's columns; see the proxy-app README, "Per-route policy"); the static route sets none, its viewers get
 * the global flags. The session limits are handed to the tracker by {@link #toViewerPolicy()}, which follows the
 * stricter of them and the global flags (docs/architecture.md#policies); the input permissions replace the global
 * {@code --input-permissions}/{@code --view-only} for the route's viewers ({@link #inputPermissions(InputPermissions)},
 * docs/architecture.md#input-permissions). The tracker's rules hold here already (each at most
 * {@link ViewerPolicy#MAX_LIMIT}, a warning only with its limit and shorter than it), so a route that sets something
 * the tracker would refuse is refused where it is read, with the option's name.
 *
 * @param idleDisconnect {@code idle_disconnect}: close the viewers of a session idle this long
 * @param idleWarning {@code idle_warning}: warn this long before the idle disconnect
 * @param maxSessionDuration {@code max_session_duration}: close a viewer connected this long
 * @param maxDurationWarning {@code max_duration_warning}: warn this long before that
 * @param blindMaxDuration {@code blind_max_duration}: close a viewer whose stream cannot be inspected after this long
 * @param inputPermissions {@code input_permissions} (or {@code view_only}): what the route's viewers may send
 */
public record RoutePolicy(Duration idleDisconnect, Duration idleWarning, Duration maxSessionDuration,
    Duration maxDurationWarning, Duration blindMaxDuration, InputPermissions inputPermissions) {

  /** A route that sets nothing. */
  public static final RoutePolicy NONE = new RoutePolicy(null, null, null, null, null, null);

  public static final String IDLE_DISCONNECT = "idle_disconnect";
  public static final String IDLE_WARNING = "idle_warning";
  public static final String MAX_SESSION_DURATION = "max_session_duration";
  public static final String MAX_DURATION_WARNING = "max_duration_warning";
  public static final String BLIND_MAX_DURATION = "blind_max_duration";
  /** {@code true}: the same as {@code input_permissions=none}; {@code false}: {@code all}. */
  public static final String VIEW_ONLY = "view_only";
  public static final String INPUT_PERMISSIONS = "input_permissions";

  /** The options whose value is a duration. */
  public static final List<String> DURATION_OPTIONS = List.of(IDLE_DISCONNECT, IDLE_WARNING, MAX_SESSION_DURATION,
      MAX_DURATION_WARNING, BLIND_MAX_DURATION);
  /** Every option name, as a token-file word, a claim member or a column label spells them. */
  public static final List<String> OPTIONS = Stream.concat(DURATION_OPTIONS.stream(),
      Stream.of(VIEW_ONLY, INPUT_PERMISSIONS)).toList();

  /** A route that sets only durations (the idle and session limits). */
  public RoutePolicy(Duration idleDisconnect, Duration idleWarning, Duration maxSessionDuration,
      Duration maxDurationWarning, Duration blindMaxDuration) {
    this(idleDisconnect, idleWarning, maxSessionDuration, maxDurationWarning, blindMaxDuration, null);
  }

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

  /**
   * {@code input_permissions} as a token-file option or a claim's string gives it: {@code all}, {@code none} or a
   * comma list of class labels ({@link InputPermissions#parse}).
   *
   * @throws IllegalArgumentException saying what was expected, without repeating the text (it may be a mistyped
   *     secret)
   */
  public static InputPermissions parsePermissions(String text) {
    try {
      return InputPermissions.parse(text == null ? "" : text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected all, none or a comma list of " + classLabels());
    }
  }

  /**
   * A list of class labels, as a JSON array or an SQL text array gives it; empty is {@code none}.
   *
   * @throws IllegalArgumentException when an element is not a class label (without repeating it)
   */
  public static InputPermissions permissionsOf(List<?> labels) {
    InputClass[] classes = new InputClass[labels.size()];
    for (int i = 0; i < classes.length; i++) {
      Object label = labels.get(i);
      for (InputClass c : InputClass.values()) {
        if (c.label().equals(label)) {
          classes[i] = c;
        }
      }
      if (classes[i] == null) {
        throw new IllegalArgumentException("expected a list of " + classLabels());
      }
    }
    return InputPermissions.of(classes);
  }

  /** {@code keys,pointer-motion,…}: every class label, in the codec's order. */
  private static String classLabels() {
    return String.join(",", Stream.of(InputClass.values()).map(InputClass::label).toList());
  }

  /**
   * {@code view_only} as text: {@code true} or {@code false} (any case).
   *
   * @throws IllegalArgumentException otherwise, without repeating the text
   */
  public static boolean parseViewOnly(String text) {
    String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (value.equals("true")) {
      return true;
    }
    if (value.equals("false")) {
      return false;
    }
    throw new IllegalArgumentException("expected true or false");
  }

  /** The route's input permissions, or {@code defaults} (the global flags) when it sets none. */
  public InputPermissions inputPermissions(InputPermissions defaults) {
    return inputPermissions != null ? inputPermissions : defaults;
  }

  /** True when the route sets no option. */
  public boolean isNone() {
    return equals(NONE);
  }

  /**
   * The tracker's form of the session limits, given at the viewer's open; cannot fail, as the tracker's rules were
   * checked here.
   */
  public ViewerPolicy toViewerPolicy() {
    if (idleDisconnect == null && idleWarning == null && maxSessionDuration == null && maxDurationWarning == null
        && blindMaxDuration == null) {
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
    private Boolean viewOnly;
    private InputPermissions inputPermissions;

    /**
     * @throws IllegalArgumentException for a name that is not one of {@link #DURATION_OPTIONS} (the message does not
     *     repeat it: it may be a mistyped secret) or an option given twice
     */
    Builder set(String name, Duration value) {
      switch (name) {
        case IDLE_DISCONNECT -> idleDisconnect = once(IDLE_DISCONNECT, idleDisconnect, value);
        case IDLE_WARNING -> idleWarning = once(IDLE_WARNING, idleWarning, value);
        case MAX_SESSION_DURATION -> maxSessionDuration = once(MAX_SESSION_DURATION, maxSessionDuration, value);
        case MAX_DURATION_WARNING -> maxDurationWarning = once(MAX_DURATION_WARNING, maxDurationWarning, value);
        case BLIND_MAX_DURATION -> blindMaxDuration = once(BLIND_MAX_DURATION, blindMaxDuration, value);
        default -> throw unknown();
      }
      return this;
    }

    /** @throws IllegalArgumentException when given twice */
    Builder viewOnly(boolean value) {
      viewOnly = once(VIEW_ONLY, viewOnly, value);
      return this;
    }

    /** @throws IllegalArgumentException when given twice */
    Builder inputPermissions(InputPermissions value) {
      inputPermissions = once(INPUT_PERMISSIONS, inputPermissions, value);
      return this;
    }

    /**
     * Any option as text, the way a token-file word gives it: durations as {@link #parseValue}, {@code view_only} as
     * {@link #parseViewOnly}, {@code input_permissions} as {@link #parsePermissions}.
     *
     * @throws IllegalArgumentException naming the option (never repeating the text) for an unknown name, a value
     *     that does not parse or an option given twice
     */
    Builder text(String name, String text) {
      if (!OPTIONS.contains(name)) {
        throw unknown();
      }
      try {
        switch (name) {
          case VIEW_ONLY -> viewOnly(parseViewOnly(text));
          case INPUT_PERMISSIONS -> inputPermissions(parsePermissions(text));
          default -> set(name, parseValue(text));
        }
      } catch (IllegalArgumentException e) {
        throw e.getMessage().startsWith(name + " ") ? e : new IllegalArgumentException(name + ": " + e.getMessage());
      }
      return this;
    }

    private static IllegalArgumentException unknown() {
      return new IllegalArgumentException("unknown option (expected " + String.join(", ", OPTIONS) + ")");
    }

    private static <T> T once(String name, T before, T value) {
      if (before != null) {
        throw new IllegalArgumentException(name + " given twice");
      }
      return value;
    }

    /**
     * @throws IllegalArgumentException as the record's constructor, or when {@code view_only} and
     *     {@code input_permissions} are both given (one says it all, and two could disagree)
     */
    RoutePolicy build() {
      if (viewOnly != null && inputPermissions != null) {
        throw new IllegalArgumentException(VIEW_ONLY + " and " + INPUT_PERMISSIONS + " both given");
      }
      InputPermissions permissions = viewOnly == null ? inputPermissions
          : viewOnly ? InputPermissions.none() : InputPermissions.all();
      RoutePolicy p = new RoutePolicy(idleDisconnect, idleWarning, maxSessionDuration, maxDurationWarning,
          blindMaxDuration, permissions);
      return p.isNone() ? NONE : p;
    }
  }

  /**
   * {@code RoutePolicy[idle_disconnect=30m input_permissions=keys]}: the options set, as a token-file line has them.
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("RoutePolicy[");
    append(b, IDLE_DISCONNECT, idleDisconnect);
    append(b, IDLE_WARNING, idleWarning);
    append(b, MAX_SESSION_DURATION, maxSessionDuration);
    append(b, MAX_DURATION_WARNING, maxDurationWarning);
    append(b, BLIND_MAX_DURATION, blindMaxDuration);
    if (inputPermissions != null) {
      if (b.charAt(b.length() - 1) != '[') {
        b.append(' ');
      }
      b.append(INPUT_PERMISSIONS).append('=').append(inputPermissions);
    }
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
