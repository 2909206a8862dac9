package org.rfbactivity.activity.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rfbactivity.activity.store.TestDatabase.row;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;

/** The JDBC store against a real PostgreSQL: exact rows, monotonic raises, isolation of bad rows, the mirror. */
@ExtendWith(PostgresExtension.class)
class JdbcActivityStoreIT {

  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  private static JdbcActivityStore store(TestDatabase db) {
    return JdbcActivityStore.builder().dataSource(db.dataSource()).build();
  }

  private static StoreBatch sessions(SessionActivityRow... rows) {
    return new StoreBatch(List.of(rows), List.of(), List.of(), false);
  }

  private static ViewerRow viewer(String session, String viewer, Instant seen, Instant expires) {
    return new ViewerRow(session, "r1", viewer, ActivityState.ACTIVE, true, null, T, T.plusSeconds(1),
        InputKind.KEY_PRESS, T.plusSeconds(61), seen, expires);
  }

  @Test
  void lastActivityOnlyEverRises(TestDatabase db) throws Exception {
    JdbcActivityStore store = store(db);
    assertThat(store.write(sessions(new SessionActivityRow("s1", T.plusSeconds(10)))))
        .isEqualTo(new WriteResult(1, 0, List.of()));
    Object updatedAt = db.value("SELECT updated_at FROM rfb_session_activity WHERE session_id = 's1'");

    store.write(sessions(new SessionActivityRow("s1", T.plusSeconds(5))));
    assertThat(db.rows("SELECT session_id, last_activity, updated_at FROM rfb_session_activity"))
        .as("an older value changes nothing, not even updated_at")
        .containsExactly(row("s1", T.plusSeconds(10), updatedAt));

    store.write(sessions(new SessionActivityRow("s1", T.plusSeconds(10).plusNanos(1_000))));
    assertThat(db.rows("SELECT session_id, last_activity FROM rfb_session_activity"))
        .containsExactly(row("s1", T.plusSeconds(10).plusNanos(1_000)));
  }

  @Test
  void activeUntilOnlyEverRisesAndAMissingOneLeavesIt(TestDatabase db) throws Exception {
    JdbcActivityStore store = store(db);
    String query = "SELECT last_activity, active_until FROM rfb_session_activity";
    store.write(sessions(new SessionActivityRow("s1", T)));
    assertThat(db.rows(query)).containsExactly(row(T, null));

    store.write(sessions(new SessionActivityRow("s1", T, T.plusSeconds(60))));
    assertThat(db.rows(query)).as("a later window alone is a raise").containsExactly(row(T, T.plusSeconds(60)));

    store.write(sessions(new SessionActivityRow("s1", T.plusSeconds(1), T.plusSeconds(31))));
    assertThat(db.rows(query)).as("a replica with a shorter window does not shorten it")
        .containsExactly(row(T.plusSeconds(1), T.plusSeconds(60)));

    store.write(sessions(new SessionActivityRow("s1", T.plusSeconds(2))));
    assertThat(db.rows(query)).containsExactly(row(T.plusSeconds(2), T.plusSeconds(60)));
  }

  @Test
  void viewerRowsAreUpsertedDeletedAndPurgedWhenExpired(TestDatabase db) throws Exception {
    JdbcActivityStore store = store(db);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    ViewerRow fresh = viewer("s1", "a", now, now.plusSeconds(90));
    ViewerRow expired = viewer("s2", "b", now.minusSeconds(200), now.minusSeconds(110));
    assertThat(store.write(new StoreBatch(List.of(), List.of(fresh, expired), List.of(), false)))
        .isEqualTo(new WriteResult(0, 2, List.of()));
    assertThat(db.rows("SELECT session_id, replica_id, viewer_id, state, inspectable, blind_reason, connected_at,"
        + " last_input_at, last_input_kind, active_until FROM rfb_viewer ORDER BY session_id"))
        .containsExactly(
            row("s1", "r1", "a", "ACTIVE", true, null, T, T.plusSeconds(1), "KEY_PRESS", T.plusSeconds(61)),
            row("s2", "r1", "b", "ACTIVE", true, null, T, T.plusSeconds(1), "KEY_PRESS",
                T.plusSeconds(61)));

    ViewerRow blind = new ViewerRow("s1", "r1", "a", ActivityState.CONNECTED_IDLE, false, "TLS", T, null, null,
        T.plusSeconds(60), now.plusSeconds(1), now.plusSeconds(91));
    store.write(new StoreBatch(List.of(), List.of(blind), List.of(), true));
    assertThat(db.rows("SELECT viewer_id, state, inspectable, blind_reason, last_input_at, last_input_kind, "
        + "last_seen_at, expires_at FROM rfb_viewer"))
        .as("the expired row was purged, the other replaced")
        .containsExactly(row("a", "CONNECTED_IDLE", false, "TLS", null, null, now.plusSeconds(1),
            now.plusSeconds(91)));

    assertThat(store.write(new StoreBatch(List.of(), List.of(), List.of(blind.key()), false)))
        .isEqualTo(new WriteResult(0, 1, List.of()));
    assertThat(db.value("SELECT count(*) FROM rfb_viewer")).isEqualTo(0L);
  }

  @Test
  void aRowTheDatabaseRefusesIsIsolatedAndTheRestCommits(TestDatabase db) throws Exception {
    JdbcActivityStore store = store(db);
    Instant now = Instant.now();
    WriteResult result = store.write(new StoreBatch(
        List.of(new SessionActivityRow("a", T), new SessionActivityRow("bad\u0000id", T),
            new SessionActivityRow("c", T)),
        List.of(viewer("a", "v", now, now.plusSeconds(90)), viewer("bad\u0000id", "v", now,
            now.plusSeconds(90))),
        List.of(), false));
    assertThat(result.sessionRows()).isEqualTo(2);
    assertThat(result.viewerRows()).isEqualTo(1);
    assertThat(result.rejected()).containsExactly(
        new RejectedRow("rfb_session_activity", "bad\u0000id", "22021"),
        new RejectedRow("rfb_viewer", "bad\u0000id", "22021"));
    assertThat(result.rejected().get(0).errorClass()).isEqualTo("22");
    assertThat(db.rows("SELECT session_id FROM rfb_session_activity ORDER BY 1")).containsExactly(row("a"),
        row("c"));
    assertThat(db.rows("SELECT session_id FROM rfb_viewer")).containsExactly(row("a"));
  }

  @Test
  void theMirrorKeepsAStreamSpaceShapedColumnCurrentInUtc(TestDatabase db) throws Exception {
    db.execute("DROP TABLE IF EXISTS sessions",
        "CREATE TABLE sessions (id VARCHAR(255) PRIMARY KEY, user_id VARCHAR(255), state VARCHAR(50), "
            + "last_activity TIMESTAMP WITHOUT TIME ZONE, created_at TIMESTAMP DEFAULT now())",
        "INSERT INTO sessions (id, user_id, state) VALUES ('s1', 'u1', 'running'), ('s2', 'u2', 'running')");
    // A session time zone far from UTC: the mirror must still write UTC wall time.
    try (HikariDataSource newYork = PostgresExtension.pool(db.jdbcUrl(), db.schema(),
        Map.of("options", "-c TimeZone=America/New_York"))) {
      JdbcActivityStore store = JdbcActivityStore.builder().dataSource(newYork).mirrorSql(
          "UPDATE sessions SET last_activity = GREATEST(last_activity, :last_activity) "
              + "WHERE id = :session_id -- keeps StreamSpace's idle reaper informed").build();
      store.write(sessions(new SessionActivityRow("s1", T.plusSeconds(10)),
          new SessionActivityRow("s3", T)));
      store.write(sessions(new SessionActivityRow("s1", T.plusSeconds(5))));
      assertThat(db.rows("SELECT id, state, last_activity FROM sessions ORDER BY id")).containsExactly(
          row("s1", "running", LocalDateTime.ofInstant(T.plusSeconds(10), ZoneOffset.UTC)),
          row("s2", "running", null));
      assertThat(db.value("SELECT last_activity FROM rfb_session_activity WHERE session_id = 's3'"))
          .isEqualTo(T);
    }
  }

  @Test
  void aMirrorRowTheHostTableRefusesIsDroppedAlone(TestDatabase db) throws Exception {
    db.execute("DROP TABLE IF EXISTS short_sessions",
        "CREATE TABLE short_sessions (id VARCHAR(8) PRIMARY KEY, last_activity TIMESTAMP)");
    JdbcActivityStore store = JdbcActivityStore.builder().dataSource(db.dataSource()).mirrorSql(
        "INSERT INTO short_sessions (id, last_activity) VALUES (:session_id, :last_activity) "
            + "ON CONFLICT (id) DO UPDATE SET last_activity = "
            + "GREATEST(short_sessions.last_activity, EXCLUDED.last_activity)").build();
    WriteResult result = store.write(sessions(new SessionActivityRow("short", T),
        new SessionActivityRow("much-too-long-id", T)));
    assertThat(result.rejected()).containsExactly(new RejectedRow("mirror", "much-too-long-id", "22001"));
    assertThat(result.sessionRows()).isEqualTo(2);
    assertThat(db.rows("SELECT session_id FROM rfb_session_activity ORDER BY 1"))
        .containsExactly(row("much-too-long-id"), row("short"));
    assertThat(db.rows("SELECT id FROM short_sessions")).containsExactly(row("short"));
  }

  @Test
  void failuresThatAreNotAboutOneRowCommitNothingAndSaySo(TestDatabase db) throws Exception {
    String schema = db.schema() + "_empty";
    db.execute("CREATE SCHEMA " + schema);
    try (HikariDataSource empty = PostgresExtension.pool(db.jdbcUrl(), schema)) {
      JdbcActivityStore store = JdbcActivityStore.builder().dataSource(empty).build();
      assertThatThrownBy(() -> store.write(sessions(new SessionActivityRow("s1", T))))
          .isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.sqlState()).isEqualTo("42P01");
            assertThat(e.errorClass()).isEqualTo("42");
            assertThat(e.getMessage()).isEqualTo(
                "rfb-activity - write of 1 rows failed: SQLSTATE 42P01 (PSQLException)");
          });
    } finally {
      db.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void anUnreachableServerIsRetryable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (JdbcActivityStore store = JdbcActivityStore.builder()
        .jdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/nothing").build()) {
      assertThatThrownBy(() -> store.write(sessions(new SessionActivityRow("s1", T))))
          .isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.errorClass()).isEqualTo("08");
          });
    }
  }

  @Test
  void anOwnedPoolIsNamedClosedWithTheStoreAndNeverShowsCredentials(TestDatabase db) throws Exception {
    String password = "Pw-never-in-logs-7f3a";
    PrintStream originalErr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    HikariDataSource pool;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (JdbcActivityStore store = JdbcActivityStore.builder().jdbcUrl(db.jdbcUrl()).username("postgres")
        .password(password).poolName("activity-test").build()) {
      pool = (HikariDataSource) store.dataSource();
      assertThat(pool.getPoolName()).isEqualTo("activity-test");
      assertThat(store.toString()).isEqualTo("JdbcActivityStore[activity-test, owned pool, NOTIFY rfb_activity]")
          .doesNotContain(password);
      // The public schema has no tables: the write fails, and the failure is logged by nobody but us.
      assertThatThrownBy(() -> store.write(sessions(new SessionActivityRow("s1", T))))
          .isInstanceOf(StoreException.class).hasMessageNotContaining(password);
    } finally {
      System.setErr(originalErr);
    }
    assertThat(pool.isClosed()).isTrue();
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("activity-test").doesNotContain(password);
  }

  @Test
  void theBuilderFailsFastWithMessagesThatNameTheSetting(TestDatabase db) {
    assertThatThrownBy(() -> JdbcActivityStore.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("either dataSource or jdbcUrl is required");
    assertThatThrownBy(() -> JdbcActivityStore.builder().dataSource(db.dataSource())
        .jdbcUrl("jdbc:postgresql://localhost/x").build())
        .hasMessage("dataSource and jdbcUrl are mutually exclusive");
    assertThatThrownBy(() -> JdbcActivityStore.builder().dataSource(db.dataSource()).poolName("p").build())
        .hasMessage("username, password, poolName and maximumPoolSize apply only to the pool built from "
            + "jdbcUrl");
    assertThatThrownBy(() -> JdbcActivityStore.builder().jdbcUrl("jdbc:mysql://localhost/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jdbcUrl must start with jdbc:postgresql: (the store writes PostgreSQL SQL)");
    assertThatThrownBy(() -> JdbcActivityStore.builder().password("secret-1").password("secret-2"))
        .isInstanceOf(IllegalStateException.class).hasMessage("password was already set");
    assertThatThrownBy(() -> JdbcActivityStore.builder().maximumPoolSize(0))
        .hasMessage("maximumPoolSize must be >= 1: 0");
    assertThatThrownBy(() -> JdbcActivityStore.builder().mirrorSql("UPDATE t SET a = :last_activity"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("mirrorSql must use :session_id");
  }
}
