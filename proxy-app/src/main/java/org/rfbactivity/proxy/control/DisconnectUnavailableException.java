package org.rfbactivity.proxy.control;

/**
 * The database was needed to reach the other replicas and could not be used. What this replica closed itself before
 * is in {@link #partial()} (its viewers are closed all the same; asking again is safe).
 */
public final class DisconnectUnavailableException extends RuntimeException {

  private final transient DisconnectAnswer partial;

  DisconnectUnavailableException(String sqlState, DisconnectAnswer partial, Throwable cause) {
    super("SQLSTATE " + sqlState, cause, false, false);
    this.partial = partial;
  }

  public DisconnectAnswer partial() {
    return partial;
  }
}
