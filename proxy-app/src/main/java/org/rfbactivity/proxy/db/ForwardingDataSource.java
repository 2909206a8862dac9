package org.rfbactivity.proxy.db;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that hands out another one's connections, with a say before each is asked for ({@link #beforeConnect})
 * and over what is handed out ({@link #wrap}); everything else is the other one's. The proxy's data sources differ
 * only in those two points.
 */
abstract class ForwardingDataSource implements DataSource {

  final DataSource delegate;

  ForwardingDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  /** Runs before every connection is asked of the delegate; throws to refuse it. */
  void beforeConnect() throws SQLException {}

  /** What the caller gets for a connection of the delegate's. */
  Connection wrap(Connection connection) {
    return connection;
  }

  @Override
  public final Connection getConnection() throws SQLException {
    beforeConnect();
    return wrap(delegate.getConnection());
  }

  @Override
  public final Connection getConnection(String username, String password) throws SQLException {
    beforeConnect();
    return wrap(delegate.getConnection(username, password));
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }
}
