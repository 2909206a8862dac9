package org.rfbactivity.activity.store;

/**
 * A store write failed as a whole and nothing of it was committed. The tracker keeps every session's newest values
 * and tries again after a back-off; {@link #retryable()} decides how fast.
 */
public final class StoreException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Whether the failure is expected to pass by itself. */
  private final boolean retryable;
  /** The SQLSTATE, or null. */
  private final String sqlState;

  /**
   * @param message   metadata only: never row values or credentials
   * @param retryable whether the failure is expected to pass (connection loss, serialization failure, deadlock,
   *                  server shutting down); if not, the tracker still retries, at the longest back-off
   * @param sqlState  the SQLSTATE, {@code null} if unknown
   * @param cause     the underlying exception
   */
  public StoreException(String message, boolean retryable, String sqlState, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.sqlState = sqlState;
  }

  /** {@return whether the failure is expected to pass by itself} */
  public boolean retryable() {
    return retryable;
  }

  /** {@return the SQLSTATE, {@code null} if unknown} */
  public String sqlState() {
    return sqlState;
  }

  /** {@return the SQLSTATE class ({@code "08"}, {@code "40"}, ...) or {@code "unknown"}: a metrics tag} */
  public String errorClass() {
    return SqlStates.errorClass(sqlState);
  }
}
