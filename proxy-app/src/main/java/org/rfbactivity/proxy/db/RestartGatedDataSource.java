package org.rfbactivity.proxy.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * The pool of the embedded server, refusing at once while that server is being restarted rather than letting
 * every caller wait out the pool's connection timeout for a server that is known not to be there: flush ticks stay
 * short, lookups answer 503 at once, and a shutdown's final flush fails fast. The refusal carries SQLSTATE 08001,
 * what a real connection attempt would get, so the store retries it like any connection loss.
 */
final class RestartGatedDataSource extends ForwardingDataSource {

  static final String SQL_STATE = "08001";

  private final EmbeddedServer server;

  RestartGatedDataSource(DataSource pool, EmbeddedServer server) {
    super(pool);
    this.server = server;
  }

  @Override
  void beforeConnect() throws SQLException {
    int attempt = server.restartAttempt();
    if (attempt != 0) {
      throw new SQLTransientConnectionException("embedded PostgreSQL restarting (attempt " + attempt + ")", SQL_STATE);
    }
  }
}
