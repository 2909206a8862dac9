package org.rfbactivity.activity.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The shipped schema, versioned: tables {@code rfb_session_activity} and {@code rfb_viewer}, views
 * {@code rfb_session_live} and {@code rfb_session_status}, the control channel's {@code rfb_control_command} and
 * {@code rfb_control_ack}, and {@code rfb_schema_version}, which records the versions applied. {@link #apply} runs, in one transaction under an advisory lock (so replicas starting together do
 * not race on the catalog), each version the database has not recorded, in order. A database made before versions
 * were recorded has the tables but no {@code rfb_schema_version}: version 1 is written to be idempotent and brings
 * any earlier shape to version 1, then the later versions follow, keeping every row.
 */
public final class Migrations {

  /** The scripts, in version order; version {@code i + 1} is {@code SCRIPTS.get(i)}, next to this class. */
  public static final List<String> SCRIPTS = List.of("V1__rfb_activity.sql", "V2__time_in_state.sql",
      "V3__control.sql");

  /** The version {@link #apply} brings a database to. */
  public static final int LATEST_VERSION = SCRIPTS.size();

  /** {@code pg_advisory_xact_lock} key; the ASCII of "rfbact" plus a version, unlikely to collide. */
  static final long ADVISORY_LOCK_KEY = 0x7266_6261_6374_0001L;

  private static final String VERSION_TABLE = "CREATE TABLE IF NOT EXISTS rfb_schema_version ("
      + "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

  private Migrations() {
  }

  /**
   * The whole schema as one script that creates it in an empty database and records its versions, for DBAs who
   * apply it themselves. To upgrade a database that has an earlier version, use {@link #apply}.
   *
   * @return the SQL of every version, each followed by the row that records it
   */
  public static String script() {
    StringBuilder all = new StringBuilder(VERSION_TABLE).append(";\n");
    for (int i = 0; i < SCRIPTS.size(); i++) {
      all.append(script(i + 1)).append('\n').append(recordVersion(i + 1)).append(";\n");
    }
    return all.toString();
  }

  /**
   * {@return the script of one version}
   *
   * @param version 1 to {@link #LATEST_VERSION}
   */
  public static String script(int version) {
    String resource = SCRIPTS.get(version - 1);
    try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing class-path resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /**
   * Brings the schema in the database {@code dataSource} connects to (its default schema, i.e. the first writable
   * entry of {@code search_path}) to {@link #LATEST_VERSION}. Safe to call on every start, from several replicas at
   * once.
   *
   * @param dataSource connects to the database
   * @return the version the database had before (0 for a new database or one made before versions were recorded)
   * @throws SQLException if the database refuses; nothing is half-applied
   */
  public static int apply(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")");
        s.execute(VERSION_TABLE);
        int before;
        try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM rfb_schema_version")) {
          rs.next();
          before = rs.getInt(1);
        }
        if (before > LATEST_VERSION) {
          throw new SQLException("the database has rfb-activity schema version " + before
              + ", newer than this release's " + LATEST_VERSION + "; upgrade this replica", "55000");
        }
        for (int version = before + 1; version <= LATEST_VERSION; version++) {
          s.execute(script(version));
          s.execute(recordVersion(version));
        }
        c.commit();
        return before;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    }
  }

  private static String recordVersion(int version) {
    return "INSERT INTO rfb_schema_version (version) VALUES (" + version + ") ON CONFLICT DO NOTHING";
  }
}
