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
        row("active_until", "timestamp with time zone", "YES"));
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
        row("viewers", "bigint", "YES"));
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
          .isEqualTo(3L);
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
      assertThat(db.rows("SELECT session_id, state, viewers FROM " + schema + ".rfb_session_status"))
          .containsExactly(row("s1", "DISCONNECTED", 0L));
    } finally {
      db.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void theScriptIsShipped() {
    assertThat(Migrations.script()).contains("CREATE TABLE IF NOT EXISTS rfb_session_activity",
        "CREATE TABLE IF NOT EXISTS rfb_viewer", "CREATE OR REPLACE VIEW rfb_session_status");
  }

  private static List<List<Object>> columns(TestDatabase db, String table) throws Exception {
    return db.rows("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        + "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", db.schema(), table);
  }
}
