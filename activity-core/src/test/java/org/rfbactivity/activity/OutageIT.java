package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.Migrations;
import org.rfbactivity.activity.store.TestDatabase;

/**
 * A database outage (docs/architecture.md#persistence): the database is stopped mid-run and started again on the same port and data directory while
 * input keeps coming. No exception reaches intake callers; once the database is back, every session's stored
 * {@code last_activity} is its newest input time as of that tick. Needs its own embedded server (it is stopped),
 * so it does not use the shared one.
 */
class OutageIT {

  private static final int SESSIONS = 50;

  @TempDir
  Path dir;

  private EmbeddedPostgres start(int port) throws IOException {
    return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dir.resolve("data"))
        .setCleanDataDirectory(false).start();
  }

  @Test
  void inputSurvivesADatabaseRestartAndTheNewestValuesAreStored() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    EmbeddedPostgres pg = start(port);
    HikariConfig poolConfig = new HikariConfig();
    poolConfig.setPoolName("outage-test");
    poolConfig.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
    poolConfig.setMaximumPoolSize(2);
    poolConfig.setConnectionTimeout(250); // each failing attempt costs real time; keep it short
    poolConfig.setInitializationFailTimeout(-1);
    try (HikariDataSource pool = new HikariDataSource(poolConfig)) {
      Migrations.apply(pool);
      TestDatabase db = new TestDatabase(poolConfig.getJdbcUrl(), "public", pool);
      FakeTime time = FakeTime.startingNow();
      ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
          .clock(time.clock()).replicaId("r1").maxRetryBackoff(Duration.ofSeconds(8))
          .store(JdbcActivityStore.builder().dataSource(pool).build()).build());
      List<Viewer> viewers = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        viewers.add(tracker.viewerOpened("s" + i, "v" + i, Map.of(), true));
      }
      long[] newest = new long[SESSIONS];
      Runnable secondOfInput = () -> {
        for (int k = 0; k < 10; k++) {
          time.advanceMillis(100);
          for (int i = 0; i < SESSIONS; i++) {
            tracker.input(viewers.get(i), InputKind.POINTER_MOVE);
            newest[i] = time.nanos();
          }
        }
        tracker.tick();
      };

      for (int second = 0; second < 40; second++) {
        secondOfInput.run();
      }
      assertThat(tracker.storeHealth().healthy()).isTrue();

      pg.close();
      for (int second = 0; second < 30; second++) {
        secondOfInput.run(); // would throw here if an exception reached intake or the tick
      }
      StoreHealth down = tracker.storeHealth();
      assertThat(down.healthy()).isFalse();
      assertThat(down.lastErrorClass()).isEqualTo("08");
      assertThat(down.pendingSessions()).isEqualTo(SESSIONS);

      pg = start(port);
      // Fake seconds pass in microseconds of real time, while the pool needs real time to reconnect (HikariCP
      // backs off its own connection attempts): feed one fake second per real poll until a write succeeds.
      await().atMost(Duration.ofSeconds(60)).pollInSameThread().pollInterval(Duration.ofMillis(50))
          .until(() -> {
            secondOfInput.run();
            return tracker.storeHealth().healthy();
          });
      // The recovery tick wrote every session's newest input up to that tick.
      for (int i = 0; i < SESSIONS; i++) {
        assertThat(db.value("SELECT last_activity FROM rfb_session_activity WHERE session_id = ?", "s" + i))
            .as("s%s", i).isEqualTo(time.origin().plusNanos(newest[i]));
      }

      for (int second = 0; second < 5; second++) {
        secondOfInput.run();
      }
      tracker.close();
      for (int i = 0; i < SESSIONS; i++) {
        assertThat(db.value("SELECT last_activity FROM rfb_session_activity WHERE session_id = ?", "s" + i))
            .isEqualTo(time.origin().plusNanos(newest[i]));
      }
      assertThat(db.value("SELECT count(*) FROM rfb_viewer")).isEqualTo(0L);
      Instant last = time.origin().plusNanos(newest[0]);
      assertThat(db.rows("SELECT DISTINCT state FROM rfb_session_status")).containsExactly(
          TestDatabase.row("DISCONNECTED"));
      assertThat(last).isAfter(time.origin());
    } finally {
      pg.close();
    }
  }
}
