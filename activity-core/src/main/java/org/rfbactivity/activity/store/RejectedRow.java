package org.rfbactivity.activity.store;

/**
 * One row the database refused; metadata only, never values.
 *
 * @param table      the table (or {@code "mirror"} for the mirror statement)
 * @param sessionId  the session the row belongs to
 * @param sqlState   the SQLSTATE
 */
public record RejectedRow(String table, String sessionId, String sqlState) {

  /** {@return the SQLSTATE class, e.g. {@code "23"}} */
  public String errorClass() {
    return SqlStates.errorClass(sqlState);
  }
}
