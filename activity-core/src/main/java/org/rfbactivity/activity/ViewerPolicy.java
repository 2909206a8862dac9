package org.rfbactivity.activity;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When a viewer must be closed by policy (docs/architecture.md#policies): an immutable value with every limit off by
 * default. The tracker's global one is {@link ActivityConfig#policy()}; an application may give one per viewer (or
 * the same one for every viewer of a route) at {@link ActivityTracker#viewerOpened}, and the viewer then follows
 * {@code global.stricter(given)}.
 *
 * <ul>
 *   <li>{@link #idleDisconnect()}: the session's viewers are closed once the session had no counted input for this
 *       long, with a {@code session.idle_warning} {@link #idleWarning()} before;</li>
 *   <li>{@link #maxSessionDuration()}: a viewer is closed this long after it connected, with a
 *       {@code viewer.max_duration_warning} {@link #maxDurationWarning()} before;</li>
 *   <li>{@link #blindMaxDuration()}: a viewer whose stream cannot be inspected is closed this long after it went
 *       blind (or opened blind).</li>
 * </ul>
 *
 * <p>A warning needs its limit and must be shorter than it, so that it always comes before the close.
 */
public final class ViewerPolicy {

  /**
   * Longest limit: a year. Deadlines are nanoseconds in a long added to the current time; a year is far beyond any
   * sensible session and far from an overflow.
   */
  public static final Duration MAX_LIMIT = Duration.ofDays(366);

  /** Every limit off. */
  public static final ViewerPolicy NONE = new ViewerPolicy(0, 0, 0, 0, 0);

  // Nanoseconds; 0 is "off". Kept as longs so that the tick compares without unboxing or Duration arithmetic.
  private final long idleDisconnectNanos;
  private final long idleWarningNanos;
  private final long maxSessionDurationNanos;
  private final long maxDurationWarningNanos;
  private final long blindMaxDurationNanos;

  private ViewerPolicy(long idleDisconnect, long idleWarning, long maxSessionDuration, long maxDurationWarning,
      long blindMaxDuration) {
    this.idleDisconnectNanos = idleDisconnect;
    this.idleWarningNanos = idleWarning;
    this.maxSessionDurationNanos = maxSessionDuration;
    this.maxDurationWarningNanos = maxDurationWarning;
    this.blindMaxDurationNanos = blindMaxDuration;
  }

  /** {@return a builder with every limit off} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return how long a session may go without counted input before its viewers are closed; empty when off} */
  public Optional<Duration> idleDisconnect() {
    return optional(idleDisconnectNanos);
  }

  /** {@return how long before the idle disconnect the {@code session.idle_warning} comes; empty when none} */
  public Optional<Duration> idleWarning() {
    return optional(idleWarningNanos);
  }

  /** {@return how long a viewer may stay connected; empty when off} */
  public Optional<Duration> maxSessionDuration() {
    return optional(maxSessionDurationNanos);
  }

  /** {@return how long before the max-duration close the {@code viewer.max_duration_warning} comes; empty when none} */
  public Optional<Duration> maxDurationWarning() {
    return optional(maxDurationWarningNanos);
  }

  /** {@return how long a viewer whose stream cannot be inspected may stay connected once blind; empty when off} */
  public Optional<Duration> blindMaxDuration() {
    return optional(blindMaxDurationNanos);
  }

  /** {@return whether every limit is off} */
  public boolean isNone() {
    return idleDisconnectNanos == 0 && maxSessionDurationNanos == 0 && blindMaxDurationNanos == 0;
  }

  /**
   * The policy that is at least as strict as both: each limit is the shorter of the two (a limit that is off in one
   * is the other's), and each warning is the longer of the two leads that are shorter than the combined limit, so a
   * warning still comes before its close and never later than either side asked.
   *
   * @param other the other policy
   * @return the combined policy
   */
  public ViewerPolicy stricter(ViewerPolicy other) {
    Objects.requireNonNull(other, "other");
    if (other == this || other.isNone()) {
      return this;
    }
    if (isNone()) {
      return other;
    }
    long idle = shorter(idleDisconnectNanos, other.idleDisconnectNanos);
    long duration = shorter(maxSessionDurationNanos, other.maxSessionDurationNanos);
    ViewerPolicy combined = new ViewerPolicy(idle, lead(idle, idleWarningNanos, other.idleWarningNanos), duration,
        lead(duration, maxDurationWarningNanos, other.maxDurationWarningNanos),
        shorter(blindMaxDurationNanos, other.blindMaxDurationNanos));
    return combined.equals(this) ? this : combined;
  }

  long idleDisconnectNanos() {
    return idleDisconnectNanos;
  }

  long idleWarningNanos() {
    return idleWarningNanos;
  }

  long maxSessionDurationNanos() {
    return maxSessionDurationNanos;
  }

  long maxDurationWarningNanos() {
    return maxDurationWarningNanos;
  }

  long blindMaxDurationNanos() {
    return blindMaxDurationNanos;
  }

  private static long shorter(long a, long b) {
    return a == 0 ? b : b == 0 ? a : Math.min(a, b);
  }

  private static long lead(long limit, long a, long b) {
    if (limit == 0) {
      return 0;
    }
    long lead = 0;
    if (a != 0 && a < limit) {
      lead = a;
    }
    if (b != 0 && b < limit && b > lead) {
      lead = b;
    }
    return lead;
  }

  private static Optional<Duration> optional(long nanos) {
    return nanos == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(nanos));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ViewerPolicy p && p.idleDisconnectNanos == idleDisconnectNanos
        && p.idleWarningNanos == idleWarningNanos && p.maxSessionDurationNanos == maxSessionDurationNanos
        && p.maxDurationWarningNanos == maxDurationWarningNanos && p.blindMaxDurationNanos == blindMaxDurationNanos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(idleDisconnectNanos, idleWarningNanos, maxSessionDurationNanos, maxDurationWarningNanos,
        blindMaxDurationNanos);
  }

  @Override
  public String toString() {
    if (this.equals(NONE)) {
      return "ViewerPolicy[none]";
    }
    StringBuilder b = new StringBuilder("ViewerPolicy[");
    append(b, "idleDisconnect", idleDisconnectNanos);
    append(b, "idleWarning", idleWarningNanos);
    append(b, "maxSessionDuration", maxSessionDurationNanos);
    append(b, "maxDurationWarning", maxDurationWarningNanos);
    append(b, "blindMaxDuration", blindMaxDurationNanos);
    return b.append(']').toString();
  }

  private static void append(StringBuilder b, String name, long nanos) {
    if (nanos != 0) {
      b.append(b.charAt(b.length() - 1) == '[' ? "" : ", ").append(name).append('=').append(Duration.ofNanos(nanos));
    }
  }

  /**
   * Builds a {@link ViewerPolicy} (docs/style.md#fail-fast-builders): each limit may be set once and is checked where
   * it is given (&gt; 0, at most {@link #MAX_LIMIT}); {@link #build()} checks that each warning has its limit and is
   * shorter than it.
   */
  public static final class Builder {

    private Duration idleDisconnect;
    private Duration idleWarning;
    private Duration maxSessionDuration;
    private Duration maxDurationWarning;
    private Duration blindMaxDuration;

    private Builder() {
    }

    /**
     * See {@link ViewerPolicy#idleDisconnect()}.
     *
     * @param value the duration
     * @return this builder
     */
    public Builder idleDisconnect(Duration value) {
      idleDisconnect = once("idleDisconnect", idleDisconnect, value);
      return this;
    }

    /**
     * See {@link ViewerPolicy#idleWarning()}; needs {@link #idleDisconnect} and must be shorter.
     *
     * @param value the duration
     * @return this builder
     */
    public Builder idleWarning(Duration value) {
      idleWarning = once("idleWarning", idleWarning, value);
      return this;
    }

    /**
     * See {@link ViewerPolicy#maxSessionDuration()}.
     *
     * @param value the duration
     * @return this builder
     */
    public Builder maxSessionDuration(Duration value) {
      maxSessionDuration = once("maxSessionDuration", maxSessionDuration, value);
      return this;
    }

    /**
     * See {@link ViewerPolicy#maxDurationWarning()}; needs {@link #maxSessionDuration} and must be shorter.
     *
     * @param value the duration
     * @return this builder
     */
    public Builder maxDurationWarning(Duration value) {
      maxDurationWarning = once("maxDurationWarning", maxDurationWarning, value);
      return this;
    }

    /**
     * See {@link ViewerPolicy#blindMaxDuration()}.
     *
     * @param value the duration
     * @return this builder
     */
    public Builder blindMaxDuration(Duration value) {
      blindMaxDuration = once("blindMaxDuration", blindMaxDuration, value);
      return this;
    }

    /**
     * Checks each warning against its limit and builds.
     *
     * @return the immutable policy
     * @throws IllegalArgumentException for a warning without its limit, or not shorter than it
     */
    public ViewerPolicy build() {
      leadWithin("idleWarning", idleWarning, "idleDisconnect", idleDisconnect);
      leadWithin("maxDurationWarning", maxDurationWarning, "maxSessionDuration", maxSessionDuration);
      ViewerPolicy p = new ViewerPolicy(nanos(idleDisconnect), nanos(idleWarning), nanos(maxSessionDuration),
          nanos(maxDurationWarning), nanos(blindMaxDuration));
      return p.equals(NONE) ? NONE : p;
    }

    private static void leadWithin(String lead, Duration leadValue, String limit, Duration limitValue) {
      if (leadValue == null) {
        return;
      }
      if (limitValue == null) {
        throw new IllegalArgumentException(lead + " needs " + limit + ": a warning of no close");
      }
      if (leadValue.compareTo(limitValue) >= 0) {
        throw new IllegalArgumentException(lead + " must be < " + limit + ": " + leadValue + " >= " + limitValue);
      }
    }

    private static Duration once(String name, Duration prior, Duration value) {
      if (prior != null) {
        throw new IllegalStateException(name + " was already set to " + prior);
      }
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0: " + value);
      }
      if (value.compareTo(MAX_LIMIT) > 0) {
        throw new IllegalArgumentException(name + " must be <= " + MAX_LIMIT + ": " + value);
      }
      return value;
    }

    private static long nanos(Duration d) {
      return d == null ? 0 : d.toNanos();
    }
  }
}
