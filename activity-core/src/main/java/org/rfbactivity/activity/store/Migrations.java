package org.rfbactivity.activity.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The shipped schema: tables {@code rfb_session_activity} and {@code rfb_viewer}, view {@code rfb_session_status}.
 * The script is idempotent ({@code IF NOT EXISTS}, {@code CREATE OR REPLACE VIEW}); {@link #apply} runs it in one
 * transaction under an advisory lock, so replicas starting together do not race on the catalog.
 */
public final class Migrations {

  /** Class-path resource of the script, next to this class. */
  public static final String SCRIPT_RESOURCE = "V1__rfb_activity.sql";

  /** {@code pg_advisory_xact_lock} key; the ASCII of "rfbact" plus a version, unlikely to collide. */
  static final long ADVISORY_LOCK_KEY = 0x7266_6261_6374_0001L;

  private Migrations() {
  }

  /** The schema script, for DBAs who apply it themselves. */
  public static String script() {
    try (InputStream in = Migrations.class.getResourceAsStream(SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing class-path resource " + SCRIPT_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SCRIPT_RESOURCE, e);
    }
  }

  /**
   * Creates or updates the schema in the database {@code dataSource} connects to (its default schema, i.e. the
   * first writable entry of {@code search_path}). Safe to call on every start, from several replicas at once.
   *
   * @throws SQLException if the database refuses; nothing is half-applied
   */
  public static void apply(DataSource dataSource) throws SQLException {
    String script = script();
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")");
        s.execute(script);
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }
}
