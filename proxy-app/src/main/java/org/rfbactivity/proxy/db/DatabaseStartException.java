package org.rfbactivity.proxy.db;

/**
 * The database could not be started although the settings are valid: another proxy holds {@code --data-dir}, or
 * PostgreSQL did not come up. The proxy then exits with status 1; status 2 is kept for bad settings. The message
 * names the setting it concerns, as in {@code --data-dir=rfba-data: in use by another proxy (pid 4711)}.
 */
public final class DatabaseStartException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public DatabaseStartException(String setting, String value, String problem) {
    super(setting + "=" + value + ": " + problem);
  }

  public DatabaseStartException(String setting, String value, String problem, Throwable cause) {
    super(setting + "=" + value + ": " + problem, cause);
  }
}
