package org.rfbactivity.proxy.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool of the embedded server, refusing at once while that server is being restarted rather than letting
 * every caller wait out the pool's connection timeout for a server that is known not to be there: flush ticks stay
 * short, lookups answer 503 at once, and a shutdown's final flush fails fast. The refusal carries SQLSTATE 08001,
 * what a real connection attempt would get, so the store retries it like any connection loss.
 */
final class RestartGatedDataSource implements DataSource {

  static final String SQL_STATE = "08001";

  private final DataSource pool;
  private final EmbeddedServer server;

  RestartGatedDataSource(DataSource pool, EmbeddedServer server) {
    this.pool = pool;
    this.server = server;
  }

  @Override
  public Connection getConnection() throws SQLException {
    refuseWhileRestarting();
    return pool.getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    refuseWhileRestarting();
    return pool.getConnection(username, password);
  }

  private void refuseWhileRestarting() throws SQLException {
    int attempt = server.restartAttempt();
    if (attempt != 0) {
      throw new SQLTransientConnectionException("embedded PostgreSQL restarting (attempt " + attempt + ")", SQL_STATE);
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || pool.isWrapperFor(iface);
  }
}
