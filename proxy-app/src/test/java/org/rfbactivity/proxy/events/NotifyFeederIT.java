package org.rfbactivity.proxy.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.EventIds;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * The cluster-wide feed: a proxy with a database store streams what any replica {@code NOTIFY}s on
 * {@code rfb_activity} (sent here from a plain JDBC connection, as another replica's flush would), and keeps doing
 * so after its listening connection is terminated.
 */
@ExtendWith(LeakWatch.class)
class NotifyFeederIT {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final String LISTENER = "SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN rfb_activity'";

  static EmbeddedPostgres pg;

  private final EventIds ids = new EventIds(0x77L);

  @BeforeAll
  static void database() throws IOException {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopDatabase() throws IOException {
    pg.close();
  }

  private ActivityEvent otherReplicasChange() {
    return ActivityEvent.stateChanged(ids.next(), Instant.parse("2026-12-03T10:00:00Z"), "proxy-2", "desk-2",
        ActivityState.ACTIVE, ActivityState.CONNECTED_IDLE, null, null, null, "WINDOW_ELAPSED");
  }

  private static void notify(ActivityEvent event) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT pg_notify('rfb_activity', ?)")) {
      s.setString(1, event.toJson());
      s.execute();
    }
  }

  /** The backend pid of the feeder's LISTEN connection, or 0 while there is none. */
  private static int listenerPid() throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        ResultSet r = c.createStatement().executeQuery(LISTENER)) {
      return r.next() ? r.getInt(1) : 0;
    }
  }

  @Test
  void notificationsOfEveryReplicaReachTheStreamAlsoAfterTheConnectionIsKilled() throws Exception {
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk",
        "--store", "postgres", "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"));
        SseClient stream = SseClient.open(SseClient.request(proxy.server().adminAddress().getPort(),
            "/api/events", Map.of()))) {
      await().atMost(WAIT).until(() -> listenerPid() != 0);
      int first = listenerPid();

      ActivityEvent before = otherReplicasChange();
      notify(before);
      await().atMost(WAIT).until(() -> stream.text().endsWith(EventStreamIT.frame(before)));

      try (Connection c = pg.getPostgresDatabase().getConnection();
          PreparedStatement s = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
        s.setInt(1, first);
        s.execute();
      }
      await().atMost(WAIT).until(() -> {
        int pid = listenerPid();
        return pid != 0 && pid != first;
      });

      ActivityEvent after = otherReplicasChange();
      notify(after);
      await().atMost(WAIT).until(() -> stream.text().endsWith(EventStreamIT.frame(after)));
      assertThat(stream.text()).isEqualTo(EventStreamIT.PREAMBLE + EventStreamIT.frame(before)
          + EventStreamIT.frame(after));
    }
  }

  @Test
  void aPayloadThatIsNotAnEventIsDroppedAndTheNextOneStillArrives() throws Exception {
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk",
        "--store", "postgres", "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"));
        SseClient stream = SseClient.open(SseClient.request(proxy.server().adminAddress().getPort(),
            "/api/events", Map.of()))) {
      await().atMost(WAIT).until(() -> listenerPid() != 0);
      try (Connection c = pg.getPostgresDatabase().getConnection()) {
        c.createStatement().execute("NOTIFY rfb_activity, 'not json'");
        c.createStatement().execute("NOTIFY rfb_activity, '{\"id\":\"a\\nb\",\"type\":\"viewer.opened\"}'");
      }
      ActivityEvent good = otherReplicasChange();
      notify(good);
      await().atMost(WAIT).until(() -> stream.text().endsWith(EventStreamIT.frame(good)));
      assertThat(stream.text()).isEqualTo(EventStreamIT.PREAMBLE + EventStreamIT.frame(good));
    }
  }
}
