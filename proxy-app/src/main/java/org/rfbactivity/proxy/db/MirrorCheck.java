package org.rfbactivity.proxy.db;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.SessionActivityRow;
import org.rfbactivity.activity.store.StoreBatch;
import org.rfbactivity.activity.store.StoreException;
import org.rfbactivity.proxy.config.ConfigException;

/**
 * Checks {@code --mirror-sql} against the database at start, so that a statement naming a table or column that does
 * not exist stops the proxy instead of failing every flush: the store writes one {@code last_activity} raise for a
 * probe session, mirror included, exactly as it will at run time, on a connection whose commit is a rollback. The
 * store's own row and the mirror's effect are rolled back together.
 */
public final class MirrorCheck {

  /** The session id of the probe write; no session of the host platform should have it (nothing is committed). */
  static final String PROBE_SESSION = "rfba-mirror-check";

  private MirrorCheck() {}

  /**
   * @throws ConfigException naming {@code --mirror-sql} when the database refuses the statement; a refusal of the
   *     probe row's values alone (SQLSTATE class 22 or 23: e.g. an id column that is not text) is not an error,
   *     since real session ids may fit
   */
  public static void check(DataSource dataSource, String mirrorSql, Instant now) {
    JdbcActivityStore probe = JdbcActivityStore.builder().dataSource(new RollbackOnly(dataSource))
        .mirrorSql(mirrorSql).build();
    try {
      probe.write(new StoreBatch(List.of(new SessionActivityRow(PROBE_SESSION, now)), List.of(), List.of(), false));
    } catch (StoreException e) {
      Throwable cause = e.getCause();
      throw new ConfigException("--mirror-sql", mirrorSql, "refused by the database: SQLSTATE " + e.sqlState()
          + (cause == null || cause.getMessage() == null ? "" : " " + cause.getMessage().replaceAll("\\s+", " ")),
          e);
    }
  }

  /** Hands out connections whose {@code commit()} rolls back, and never the pool behind them. */
  private static final class RollbackOnly extends ForwardingDataSource {

    RollbackOnly(DataSource delegate) {
      super(delegate);
    }

    @Override
    Connection wrap(Connection real) {
      return (Connection) Proxy.newProxyInstance(MirrorCheck.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            if (method.getName().equals("commit") && method.getParameterCount() == 0) {
              real.rollback();
              return null;
            }
            try {
              return method.invoke(real, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
