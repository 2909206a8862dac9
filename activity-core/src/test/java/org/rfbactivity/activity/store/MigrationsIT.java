package org.rfbactivity.activity.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rfbactivity.activity.store.TestDatabase.row;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class MigrationsIT {

  @Test
  void createsTheTablesAndTheViewAndCanRunAgain(TestDatabase db) throws Exception {
    Migrations.apply(db.dataSource());
    Migrations.apply(db.dataSource());
    assertThat(columns(db, "rfb_session_activity")).containsExactly(
        row("session_id", "text", "NO"),
        row("last_activity", "timestamp with time zone", "NO"),
        row("updated_at", "timestamp with time zone", "NO"),
        row("active_until", "timestamp with time zone", "YES"),
        row("state", "text", "NO"),
        row("state_since", "timestamp with time zone", "YES"),
        row("last_input_kind", "text", "YES"),
        row("last_connect_at", "timestamp with time zone", "YES"),
        row("last_disconnect_at", "timestamp with time zone", "YES"),
        row("last_cause_viewer_id", "text", "YES"),
        row("last_cause_input_kind", "text", "YES"),
        row("last_cause_reason", "text", "YES"));
    assertThat(columns(db, "rfb_viewer")).containsExactly(
        row("session_id", "text", "NO"),
        row("replica_id", "text", "NO"),
        row("viewer_id", "text", "NO"),
        row("state", "text", "NO"),
        row("inspectable", "boolean", "NO"),
        row("blind_reason", "text", "YES"),
        row("connected_at", "timestamp with time zone", "NO"),
        row("last_input_at", "timestamp with time zone", "YES"),
        row("last_input_kind", "text", "YES"),
        row("active_until", "timestamp with time zone", "NO"),
        row("last_seen_at", "timestamp with time zone", "NO"),
        row("expires_at", "timestamp with time zone", "NO"));
    assertThat(columns(db, "rfb_session_status")).containsExactly(
        row("session_id", "text", "YES"),
        row("state", "text", "YES"),
        row("last_activity", "timestamp with time zone", "YES"),
        row("viewers", "bigint", "YES"),
        row("state_since", "timestamp with time zone", "YES"),
        row("active_until", "timestamp with time zone", "YES"),
        row("last_input_kind", "text", "YES"),
        row("last_connect_at", "timestamp with time zone", "YES"),
        row("last_disconnect_at", "timestamp with time zone", "YES"),
        row("last_cause_viewer_id", "text", "YES"),
        row("last_cause_input_kind", "text", "YES"),
        row("last_cause_reason", "text", "YES"));
    assertThat(columns(db, "rfb_control_command")).containsExactly(
        row("id", "bigint", "NO"),
        row("issued_at", "timestamp with time zone", "NO"),
        row("issued_by", "text", "NO"),
        row("session_id", "text", "YES"),
        row("viewer_id", "text", "YES"),
        row("reason", "text", "YES"));
    assertThat(columns(db, "rfb_control_ack")).containsExactly(
        row("command_id", "bigint", "NO"),
        row("replica_id", "text", "NO"),
        row("closed", "integer", "NO"),
        row("viewer_ids", "ARRAY", "NO"),
        row("acked_at", "timestamp with time zone", "NO"));
    assertThat(db.rows("SELECT version FROM rfb_schema_version ORDER BY version"))
        .containsExactly(row(1), row(2), row(3));
  }

  @Test
  void aVersionTwoDatabaseIsUpgradedToTheControlChannel(TestDatabase db) throws Exception {
    String schema = db.schema() + "_v2";
    db.execute("CREATE SCHEMA " + schema);
    try (HikariDataSource ds = PostgresExtension.pool(db.jdbcUrl(), schema)) {
      // The schema as release 2 left it: versions 1 and 2 applied and recorded, a session row written.
      try (var c = ds.getConnection(); var st = c.createStatement()) {
        st.execute("CREATE TABLE rfb_schema_version (version integer PRIMARY KEY, "
            + "applied_at timestamptz NOT NULL DEFAULT now())");
        st.execute(Migrations.script(1));
        st.execute(Migrations.script(2));
        st.execute("INSERT INTO rfb_schema_version (version) VALUES (1), (2)");
      }
      String s = schema + ".";
      db.execute("INSERT INTO " + s + "rfb_session_activity (session_id, last_activity) "
          + "VALUES ('desk', '2026-03-01T12:00:00Z')");

      assertThat(Migrations.apply(ds)).as("version before").isEqualTo(2);
      assertThat(Migrations.apply(ds)).as("version after").isEqualTo(3);

      assertThat(db.rows("SELECT session_id, state FROM " + s + "rfb_session_status"))
          .containsExactly(row("desk", "DISCONNECTED"));
      assertThat(db.rows("SELECT version FROM " + s + "rfb_schema_version ORDER BY version"))
          .containsExactly(row(1), row(2), row(3));
      // A command names a session or a viewer, never both nor neither; its ack goes with it when it is purged.
      db.execute("INSERT INTO " + s + "rfb_control_command (issued_by, session_id, reason) "
              + "VALUES ('proxy-a', 'desk', 'maintenance')",
          "INSERT INTO " + s + "rfb_control_ack (command_id, replica_id, closed, viewer_ids) "
              + "SELECT id, 'proxy-b', 1, ARRAY['v0000000000000001'] FROM " + s + "rfb_control_command");
      assertThat(db.rows("SELECT c.issued_by, c.session_id, c.viewer_id, c.reason, a.replica_id, a.closed "
          + "FROM " + s + "rfb_control_command c JOIN " + s + "rfb_control_ack a ON a.command_id = c.id"))
          .containsExactly(row("proxy-a", "desk", null, "maintenance", "proxy-b", 1));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.execute("INSERT INTO " + s
              + "rfb_control_command (issued_by, session_id, viewer_id) VALUES ('proxy-a', 'desk', 'v1')"))
          .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("rfb_control_command_target_check");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> db.execute("INSERT INTO " + s
              + "rfb_control_command (issued_by, viewer_id, reason) VALUES ('proxy-a', 'v1', repeat('x', 201))"))
          .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("rfb_control_command_reason_check");
      db.execute("DELETE FROM " + s + "rfb_control_command");
      assertThat(db.value("SELECT count(*) FROM " + s + "rfb_control_ack")).isEqualTo(0L);
    } finally {
      db.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void aVersionOneDatabaseWithRowsIsUpgradedWithoutLosingAny(TestDatabase db) throws Exception {
    String schema = db.schema() + "_v1";
    db.execute("CREATE SCHEMA " + schema);
    try (HikariDataSource ds = PostgresExtension.pool(db.jdbcUrl(), schema)) {
      // The schema as the previous release left it: version 1's script, no version table.
      try (var c = ds.getConnection(); var st = c.createStatement()) {
        st.execute(Migrations.script(1));
      }
      String s = schema + ".";
      db.execute(
          // Active: a fresh viewer whose active_until is ahead.
          "INSERT INTO " + s + "rfb_session_activity (session_id, last_activity, active_until) VALUES "
              + "('active', now() - interval '10 seconds', now() + interval '50 seconds'), "
              + "('idle', now() - interval '10 minutes', now() - interval '9 minutes'), "
              + "('gone', '2026-03-01T12:00:00Z', '2026-03-01T12:01:00Z')",
          "INSERT INTO " + s + "rfb_viewer VALUES "
              + "('active', 'r1', 'v1', 'ACTIVE', true, NULL, now() - interval '1 hour', now() - interval '10 seconds',"
              + " 'KEY_PRESS', now() + interval '50 seconds', now(), now() + interval '90 seconds'), "
              + "('idle', 'r1', 'v2', 'CONNECTED_IDLE', true, NULL, now() - interval '1 hour', NULL, NULL, "
              + "now() - interval '9 minutes', now(), now() + interval '90 seconds')");
      // Idle since its window ran out: the later of the session's and its viewer's active_until.
      Object idleUntil = db.value("SELECT GREATEST(a.active_until, v.active_until) FROM " + s
          + "rfb_session_activity a JOIN " + s + "rfb_viewer v USING (session_id) WHERE session_id = 'idle'");
      Object activeSince = db.value("SELECT last_activity FROM " + s + "rfb_session_activity "
          + "WHERE session_id = 'active'");

      assertThat(Migrations.apply(ds)).as("version before").isZero();
      assertThat(Migrations.apply(ds)).as("version after").isEqualTo(Migrations.LATEST_VERSION);

      assertThat(db.rows("SELECT session_id, state, state_since, viewers FROM " + s
          + "rfb_session_status ORDER BY session_id")).containsExactly(
          row("active", "ACTIVE", activeSince, 1L),
          row("gone", "DISCONNECTED", java.time.Instant.parse("2026-03-01T12:00:00Z"), 0L),
          row("idle", "CONNECTED_IDLE", idleUntil, 1L));
      assertThat(db.value("SELECT count(*) FROM " + s + "rfb_viewer")).isEqualTo(2L);
      assertThat(db.rows("SELECT version FROM " + s + "rfb_schema_version ORDER BY version"))
          .containsExactly(row(1), row(2), row(3));
    } finally {
      db.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void aDatabaseOfANewerReleaseIsRefused(TestDatabase db) throws Exception {
    Migrations.apply(db.dataSource());
    db.execute("INSERT INTO rfb_schema_version (version) VALUES (" + (Migrations.LATEST_VERSION + 1) + ")");
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Migrations.apply(db.dataSource()))
          .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("newer than this release's");
    } finally {
      db.execute("DELETE FROM rfb_schema_version WHERE version > " + Migrations.LATEST_VERSION);
    }
  }

  @Test
  void replicasStartingTogetherDoNotRace(TestDatabase db) throws Exception {
    String schema = db.schema() + "_race";
    db.execute("CREATE SCHEMA " + schema);
    try (HikariDataSource ds = PostgresExtension.pool(db.jdbcUrl(), schema)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          runs.add(pool.submit(() -> {
            Migrations.apply(ds);
            return null;
          }));
        }
        for (Future<?> run : runs) {
          run.get();
        }
      } finally {
        pool.shutdown();
      }
      assertThat(db.value("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?", schema))
          .as("five tables and two views").isEqualTo(7L);
    } finally {
      db.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void aSessionTableFromBeforeActiveUntilGainsTheColumnAndKeepsItsRows(TestDatabase db) throws Exception {
    String schema = db.schema() + "_old";
    db.execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".rfb_session_activity ("
        + "session_id text PRIMARY KEY, last_activity timestamptz NOT NULL, "
        + "updated_at timestamptz NOT NULL DEFAULT now())", "INSERT INTO " + schema
        + ".rfb_session_activity (session_id, last_activity) VALUES ('s1', '2026-03-01T12:00:00Z')");
    try (HikariDataSource ds = PostgresExtension.pool(db.jdbcUrl(), schema)) {
      Migrations.apply(ds);
      Migrations.apply(ds);
      assertThat(db.rows("SELECT session_id, last_activity, active_until FROM " + schema
          + ".rfb_session_activity")).containsExactly(row("s1", java.time.Instant.parse("2026-03-01T12:00:00Z"),
          null));
      assertThat(db.rows("SELECT session_id, state, state_since, viewers FROM " + schema + ".rfb_session_status"))
          .containsExactly(row("s1", "DISCONNECTED", java.time.Instant.parse("2026-03-01T12:00:00Z"), 0L));
    } finally {
      db.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void theScriptIsShipped() {
    assertThat(Migrations.script()).contains("CREATE TABLE IF NOT EXISTS rfb_session_activity",
        "CREATE TABLE IF NOT EXISTS rfb_viewer", "CREATE OR REPLACE VIEW rfb_session_status",
        "ADD COLUMN IF NOT EXISTS state_since", "INSERT INTO rfb_schema_version (version) VALUES (2)",
        "CREATE TABLE IF NOT EXISTS rfb_control_command", "INSERT INTO rfb_schema_version (version) VALUES (3)");
  }

  private static List<List<Object>> columns(TestDatabase db, String table) throws Exception {
    return db.rows("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        + "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", db.schema(), table);
  }
}
