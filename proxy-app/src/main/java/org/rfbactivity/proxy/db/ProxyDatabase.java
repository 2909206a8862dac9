package org.rfbactivity.proxy.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.JdbcUrls;
import org.rfbactivity.proxy.config.ProxyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's PostgreSQL: the one named by {@code --jdbc-url}, or else an embedded PostgreSQL (zonky) whose
 * binaries and data live in {@code --data-dir}, so that a first run needs no database server (docs/architecture.md#the-proxy).
 * Either way the proxy gets one HikariCP pool, shared by the activity store and the route query, and owns it.
 * The embedded server lives as long as the proxy: see {@link EmbeddedServer}.
 */
public final class ProxyDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyDatabase.class);

  /** Flusher, route lookups and admin reads together stay well below this. */
  static final int POOL_SIZE = 8;
  /**
   * A connection attempt slower than this counts as the database being down (the relay carries on). The pool never
   * runs out of connections (its users take six at most), so this only ever waits for a database that does not
   * answer, which a reachable one does in milliseconds; and a shutdown's final flush waits for it.
   */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private final EmbeddedServer embedded;
  private final HikariDataSource pool;
  private final DataSource dataSource;
  private final DataSource direct;
  private final String description;

  private ProxyDatabase(EmbeddedServer embedded, HikariDataSource pool, DataSource dataSource, DataSource direct,
      String description) {
    this.embedded = embedded;
    this.pool = pool;
    this.dataSource = dataSource;
    this.direct = direct;
    this.description = description;
  }

  /**
   * Starts the embedded server or connects to the external one, and checks one connection.
   *
   * @throws ConfigException naming {@code --jdbc-url} when the external database cannot be reached, or {@code --store}
   *     when the embedded one is wanted and this is the slim jar
   * @throws DatabaseStartException naming {@code --data-dir} when the embedded server cannot be started
   */
  public static ProxyDatabase open(ProxyConfig config) {
    if (config.jdbcUrl() != null) {
      return external(config);
    }
    return embedded(config.dataDir());
  }

  private static ProxyDatabase external(ProxyConfig config) {
    HikariConfig hc = baseConfig();
    hc.setJdbcUrl(config.jdbcUrl());
    if (config.jdbcUser() != null) {
      hc.setUsername(config.jdbcUser());
    }
    if (config.jdbcPassword() != null) {
      hc.setPassword(config.jdbcPassword());
    }
    String masked = JdbcUrls.mask(config.jdbcUrl());
    try {
      HikariDataSource pool = new HikariDataSource(hc);
      log.info("database: {}", masked);
      return new ProxyDatabase(null, pool, pool, direct(config), masked);
    } catch (HikariPool.PoolInitializationException | IllegalArgumentException e) {
      throw new ConfigException("--jdbc-url", masked, "cannot connect: " + rootMessage(e), e);
    }
  }

  private static ProxyDatabase embedded(Path dataDir) {
    EmbeddedServer server = EmbeddedServer.start(dataDir);
    HikariConfig hc = baseConfig();
    hc.setDataSource(server.postgresDatabase());
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (HikariPool.PoolInitializationException e) {
      server.stop();
      throw new DatabaseStartException("--data-dir", dataDir.toString(), "embedded PostgreSQL refuses connections: "
          + rootMessage(e), e);
    }
    // After a restart the pooled connections lead to the dead server: drop them rather than have each fail once.
    server.watch(() -> pool.getHikariPoolMXBean().softEvictConnections());
    String description = "embedded PostgreSQL in " + server.dataDirectory() + " on 127.0.0.1:" + server.port();
    log.info("database: {}", description);
    return new ProxyDatabase(server, pool, new RestartGatedDataSource(pool, server),
        new RestartGatedDataSource(server.postgresDatabase(), server), description);
  }

  /** Unpooled connections to the external database, with the pool's credentials and connect timeout. */
  private static DataSource direct(ProxyConfig config) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(config.jdbcUrl());
    if (config.jdbcUser() != null) {
      ds.setUser(config.jdbcUser());
    }
    if (config.jdbcPassword() != null) {
      ds.setPassword(config.jdbcPassword());
    }
    ds.setConnectTimeout((int) CONNECT_TIMEOUT.toSeconds());
    return ds;
  }

  private static HikariConfig baseConfig() {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("rfba-db");
    hc.setMaximumPoolSize(POOL_SIZE);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
    hc.setValidationTimeout(Math.min(CONNECT_TIMEOUT.toMillis(), 3000));
    return hc;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Connections of their own, outside the pool, for a session that lasts (the event feed's {@code LISTEN}); refused
   * at once while the embedded server is being restarted. The caller closes each.
   */
  public DataSource directDataSource() {
    return direct;
  }

  /** Where the database is, for logs (credentials masked). */
  public String description() {
    return description;
  }

  /** True for the embedded server in {@code --data-dir}. */
  public boolean isEmbedded() {
    return embedded != null;
  }

  /** False while the embedded server is being restarted; an external database is not watched (the store is). */
  public boolean available() {
    return embedded == null || embedded.running();
  }

  /** The embedded server's state for {@code /readyz}: running, or which restart attempt is due. */
  public String state() {
    if (embedded == null) {
      return "external";
    }
    int attempt = embedded.restartAttempt();
    return attempt == 0 ? "embedded PostgreSQL running" : "embedded PostgreSQL restarting (attempt " + attempt + ")";
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Closes the pool, then stops the embedded server and releases {@code --data-dir}.
   *
   * @return true when no embedded server is left running
   */
  public boolean stop() {
    pool.close();
    return embedded == null || embedded.stop();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
