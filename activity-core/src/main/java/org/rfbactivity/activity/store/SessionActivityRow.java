package org.rfbactivity.activity.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Raise {@code rfb_session_activity.last_activity} for one session to {@code lastActivity} (never lower it).
 *
 * @param sessionId    the session
 * @param lastActivity the newest activity this replica knows of (UTC, microsecond precision)
 */
public record SessionActivityRow(String sessionId, Instant lastActivity) {

  public SessionActivityRow {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(lastActivity, "lastActivity");
  }
}
