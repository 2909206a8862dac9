package org.rfbactivity.activity.store;

import java.time.Instant;
import java.util.Objects;
import org.rfbactivity.activity.InputKind;

/**
 * Raise {@code rfb_session_activity.last_activity} for one session to {@code lastActivity}, and its
 * {@code active_until} to {@code activeUntil} (never lower either).
 *
 * @param sessionId    the session
 * @param lastActivity the newest activity this replica knows of (UTC, microsecond precision)
 * @param activeUntil  {@code lastActivity} plus the writing tracker's active window, or {@code null} to leave it. It
 *                     keeps the session active in {@code rfb_session_status} after the viewer that was active
 *                     closed, while viewers on other replicas, which did not see that activity, remain connected
 * @param lastInputKind the kind of input {@code lastActivity} is, or null when it was an open: stored as the session's
 *                      {@code last_input_kind} when this raise is the newest
 */
public record SessionActivityRow(String sessionId, Instant lastActivity, Instant activeUntil,
    InputKind lastInputKind) {

  /**
   * Checks that the session and its last activity are given.
   *
   * @param sessionId the session
   * @param lastActivity the newest activity this replica knows of (UTC, microsecond precision)
   * @param activeUntil {@code lastActivity} plus the writing tracker's active window, or {@code null} to leave it. It
   *     keeps the session active in {@code rfb_session_status} after the viewer that was active closed, while viewers
   *     on other replicas, which did not see that activity, remain connected
   * @param lastInputKind the kind of input {@code lastActivity} is, or null when it was an open: stored as the
   *     session's {@code last_input_kind} when this raise is the newest
   */
  public SessionActivityRow {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(lastActivity, "lastActivity");
  }

  /**
   * A raise of {@code last_activity} alone.
   *
   * @param sessionId the session
   * @param lastActivity the newest activity this replica knows of (UTC, microsecond precision)
   */
  public SessionActivityRow(String sessionId, Instant lastActivity) {
    this(sessionId, lastActivity, null, null);
  }

  /**
   * A raise without an input kind.
   *
   * @param sessionId the session
   * @param lastActivity the newest activity this replica knows of (UTC, microsecond precision)
   * @param activeUntil {@code lastActivity} plus the writing tracker's active window, or {@code null} to leave it. It
   *     keeps the session active in {@code rfb_session_status} after the viewer that was active closed, while viewers
   *     on other replicas, which did not see that activity, remain connected
   */
  public SessionActivityRow(String sessionId, Instant lastActivity, Instant activeUntil) {
    this(sessionId, lastActivity, activeUntil, null);
  }
}
