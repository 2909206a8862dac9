package org.rfbactivity.activity.store;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Classifies a failed write by its SQLSTATE (PostgreSQL Appendix A, "PostgreSQL Error Codes"), as HikariCP's
 * {@code ProxyConnection.checkException} does for evictions (docs/style.md#errors-classified-by-sqlstate).
 */
final class SqlStates {

  /** What the store and the tracker do about a failure. */
  enum Decision {
    /**
     * Expected to pass: class 08 (connection exception), 40001 (serialization failure), 40P01 (deadlock), 57P0x
     * (admin/crash shutdown, cannot connect now, ...), or a transient/recoverable exception without SQLSTATE
     * (HikariCP's "connection is not available"). Retry with exponential back-off.
     */
    RETRY,
    /** Class 22 (data exception) or 23 (integrity violation): one row is bad. Isolate it, count it, drop it. */
    ISOLATE_ROW,
    /**
     * Anything else (missing table, permission, syntax in a mirror statement, ...): will not pass by itself. The
     * tracker keeps the values and retries at the longest back-off, so fixing the cause needs no restart.
     */
    FAIL
  }

  /** Cause and next-exception chains are followed this deep, like HikariCP's checkException. */
  private static final int MAX_CHAIN_DEPTH = 10;

  private SqlStates() {
  }

  static Decision classify(SQLException e) {
    String state = sqlState(e);
    if (state == null) {
      return hasTransientType(e) ? Decision.RETRY : Decision.FAIL;
    }
    if (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.startsWith("57P0")) {
      return Decision.RETRY;
    }
    if (state.startsWith("22") || state.startsWith("23")) {
      return Decision.ISOLATE_ROW;
    }
    return Decision.FAIL;
  }

  /**
   * The first SQLSTATE found on the exception, its next-exception chain (a failed batch reports the real error
   * there) or its causes.
   */
  static String sqlState(Throwable t) {
    Throwable current = t;
    for (int depth = 0; current != null && depth < MAX_CHAIN_DEPTH; depth++) {
      if (current instanceof SQLException) {
        SQLException sql = (SQLException) current;
        if (sql.getSQLState() != null) {
          return sql.getSQLState();
        }
        if (sql.getNextException() != null) {
          current = sql.getNextException();
          continue;
        }
      }
      current = current.getCause();
    }
    return null;
  }

  /** A metrics tag: the two-character SQLSTATE class, or {@code "unknown"}. */
  static String errorClass(String sqlState) {
    return sqlState == null || sqlState.length() < 2 ? "unknown" : sqlState.substring(0, 2);
  }

  private static boolean hasTransientType(Throwable t) {
    Throwable current = t;
    for (int depth = 0; current != null && depth < MAX_CHAIN_DEPTH; depth++) {
      if (current instanceof SQLTransientException || current instanceof SQLRecoverableException) {
        return true;
      }
      current = current.getCause();
    }
    return false;
  }
}
