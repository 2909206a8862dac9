package org.rfbactivity.proxy.route;

/**
 * A viewer that may not be routed. The message is safe to log: it says why (unknown token, expired, bad
 * signature …) and never repeats the token. {@link #unavailable()} tells a lookup that failed (database down)
 * from a refusal, so the frontend can answer 503 instead of 403.
 */
public final class RouteRefusedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean unavailable;

  private RouteRefusedException(String reason, boolean unavailable) {
    super(reason, null, false, false);
    this.unavailable = unavailable;
  }

  /** The viewer's credentials do not lead anywhere. */
  public static RouteRefusedException refused(String reason) {
    return new RouteRefusedException(reason, false);
  }

  /** The routing source could not answer (e.g. the database is down). */
  public static RouteRefusedException unavailable(String reason) {
    return new RouteRefusedException(reason, true);
  }

  public boolean unavailable() {
    return unavailable;
  }
}
