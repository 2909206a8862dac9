package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.rfbactivity.activity.store.TestDatabase.row;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.PostgresExtension;
import org.rfbactivity.activity.store.TestDatabase;

/**
 * The tracker writing to a real PostgreSQL (docs/architecture.md#persistence): exact rows and status view output, replicas
 * writing out of order, a replica that stops heartbeating, and the StreamSpace-shaped mirror.
 *
 * <p>The status view compares stored times with the database's {@code now()}, so each fake timeline is placed so
 * that the moment under test is close to the real now.
 */
@ExtendWith(PostgresExtension.class)
class PostgresPersistenceIT {

  private static final String SESSION_ROWS = "SELECT session_id, last_activity FROM rfb_session_activity "
      + "ORDER BY session_id";
  private static final String VIEWER_ROWS = "SELECT session_id, replica_id, viewer_id, state, inspectable, "
      + "blind_reason, connected_at, last_input_at, last_input_kind, active_until, last_seen_at, expires_at "
      + "FROM rfb_viewer ORDER BY session_id, replica_id, viewer_id";
  private static final String STATUS = "SELECT session_id, state, last_activity, viewers FROM rfb_session_status "
      + "ORDER BY session_id";

  private static ActivityTracker tracker(FakeTime time, String replica, JdbcActivityStore store) {
    return new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .replicaId(replica).store(store).build());
  }

  private static Duration s(String seconds) {
    return Scenario.seconds(seconds);
  }

  @Test
  void exactRowsAndStatusThroughASessionsLife(TestDatabase db) throws Exception {
    FakeTime time = FakeTime.startingNow();
    Instant o = time.origin();
    ActivityTracker tracker = tracker(time, "r1", JdbcActivityStore.builder().dataSource(db.dataSource())
        .build());

    Viewer viewer = tracker.viewerOpened("s1", "v1", Map.of("remote", "10.0.0.1:40000"), true);
    time.set(s("0.5"));
    tracker.tick();
    assertThat(db.rows(SESSION_ROWS)).containsExactly(row("s1", o));
    assertThat(db.rows(VIEWER_ROWS)).containsExactly(row("s1", "r1", "v1", "ACTIVE", true, null, o, null, null,
        time.at(s("60")), time.at(s("0.5")), time.at(s("90.5"))));
    assertThat(db.rows(STATUS)).containsExactly(row("s1", "ACTIVE", o, 1L));

    time.set(s("1"));
    tracker.input(viewer, InputKind.KEY_PRESS);
    time.set(s("1.5"));
    tracker.tick();
    assertThat(db.rows(SESSION_ROWS)).as("throttled: not written yet").containsExactly(row("s1", o));

    time.set(s("30.5"));
    tracker.tick();
    assertThat(db.rows(SESSION_ROWS)).containsExactly(row("s1", time.at(s("1"))));
    assertThat(db.rows(VIEWER_ROWS)).containsExactly(row("s1", "r1", "v1", "ACTIVE", true, null, o,
        time.at(s("1")), "KEY_PRESS", time.at(s("61")), time.at(s("30.5")), time.at(s("120.5"))));
    assertThat(db.rows(STATUS)).containsExactly(row("s1", "ACTIVE", time.at(s("1")), 1L));

    time.set(s("31"));
    tracker.viewerClosed(viewer);
    time.set(s("31.5"));
    tracker.tick();
    assertThat(db.rows(VIEWER_ROWS)).isEmpty();
    assertThat(db.rows(STATUS)).containsExactly(row("s1", "DISCONNECTED", time.at(s("1")), 0L));
    assertThat(tracker.snapshot("s1")).as("remembered once stored").get().satisfies(snap -> {
      assertThat(snap.state()).isEqualTo(ActivityState.DISCONNECTED);
      assertThat(snap.stateSince()).isEqualTo(time.at(s("31")));
      assertThat(snap.lastDisconnectAt()).isEqualTo(time.at(s("31")));
      assertThat(snap.lastConnectAt()).isEqualTo(o);
      assertThat(snap.viewers()).isEmpty();
    });
  }

  @Test
  void aViewerIdReusedWithinOneTickKeepsItsRowAndTheSessionConnected(TestDatabase db) throws Exception {
    FakeTime time = FakeTime.startingNow();
    ActivityTracker tracker = tracker(time, "r1", JdbcActivityStore.builder().dataSource(db.dataSource())
        .build());
    Viewer first = tracker.viewerOpened("s1", "v1", Map.of(), true);
    tracker.tick();
    time.set(s("0.25"));
    tracker.viewerClosed(first); // the connection drops and the viewer reconnects under the same id
    time.set(s("0.5"));
    tracker.viewerOpened("s1", "v1", Map.of(), true);
    time.set(s("1"));
    tracker.tick();
    assertThat(db.rows("SELECT viewer_id, connected_at, last_seen_at FROM rfb_viewer"))
        .containsExactly(row("v1", time.at(s("0.5")), time.at(s("1"))));
    assertThat(db.rows(STATUS)).containsExactly(row("s1", "ACTIVE", time.at(s("0.5")), 1L));
  }

  @Test
  void aBlindReasonWithANulCharacterIsStillStored(TestDatabase db) throws Exception {
    FakeTime time = FakeTime.startingNow();
    ActivityTracker tracker = tracker(time, "r1", JdbcActivityStore.builder().dataSource(db.dataSource())
        .build());
    Viewer viewer = tracker.viewerOpened("s1", "v1", Map.of(), true);
    tracker.inspectionLost(viewer, "TLS\u0000");
    tracker.tick();
    assertThat(tracker.storeHealth().rejectedRows()).isZero();
    assertThat(db.rows("SELECT viewer_id, inspectable, blind_reason FROM rfb_viewer"))
        .containsExactly(row("v1", false, "TLS?"));
  }

  @Test
  void anIdleSessionIsConnectedIdleInTheView(TestDatabase db) throws Exception {
    FakeTime time = FakeTime.startingAt(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .minusSeconds(70));
    ActivityTracker tracker = tracker(time, "r1", JdbcActivityStore.builder().dataSource(db.dataSource())
        .build());
    tracker.viewerOpened("s1", "v1", Map.of(), true);
    tracker.tick();
    time.set(s("61"));
    tracker.tick();
    assertThat(tracker.snapshot("s1").orElseThrow().state()).isEqualTo(ActivityState.CONNECTED_IDLE);
    assertThat(db.rows("SELECT state, active_until, last_seen_at FROM rfb_viewer"))
        .containsExactly(row("CONNECTED_IDLE", time.at(s("60")), time.at(s("61"))));
    assertThat(db.rows(STATUS)).containsExactly(row("s1", "CONNECTED_IDLE", time.origin(), 1L));
  }

  @Test
  void replicasWritingOutOfOrderNeverMoveLastActivityBackwards(TestDatabase db) throws Exception {
    db.execute("DROP TABLE IF EXISTS sessions", "CREATE TABLE sessions (id VARCHAR(255) PRIMARY KEY, "
        + "last_activity TIMESTAMP WITHOUT TIME ZONE, state VARCHAR(50))",
        "INSERT INTO sessions (id, state) VALUES ('s', 'running')");
    String mirror = "UPDATE sessions SET last_activity = GREATEST(last_activity, :last_activity) "
        + "WHERE id = :session_id";
    FakeTime timeA = FakeTime.startingNow();
    FakeTime timeB = FakeTime.startingAt(timeA.origin());
    Instant o = timeA.origin();
    ActivityTracker a = tracker(timeA, "replica-a", JdbcActivityStore.builder().dataSource(db.dataSource())
        .mirrorSql(mirror).build());
    ActivityTracker b = tracker(timeB, "replica-b", JdbcActivityStore.builder().dataSource(db.dataSource())
        .mirrorSql(mirror).build());
    Viewer va = a.viewerOpened("s", "1", Map.of(), true);
    Viewer vb = b.viewerOpened("s", "1", Map.of(), true);
    a.tick();
    b.tick();
    assertThat(db.rows(STATUS)).containsExactly(row("s", "ACTIVE", o, 2L));

    timeA.set(s("10"));
    a.input(va, InputKind.POINTER_MOVE);
    timeA.set(s("30"));
    a.tick();
    timeB.set(s("5"));
    b.input(vb, InputKind.KEY_PRESS);
    timeB.set(s("30"));
    b.tick(); // writes 5 s after replica a wrote 10 s
    assertThat(db.rows(SESSION_ROWS)).containsExactly(row("s", o.plusSeconds(10)));
    assertThat(db.value("SELECT last_activity FROM sessions")).isEqualTo(
        LocalDateTime.ofInstant(o.plusSeconds(10), ZoneOffset.UTC));

    timeB.set(s("40"));
    b.input(vb, InputKind.KEY_PRESS);
    timeB.set(s("60"));
    b.tick();
    assertThat(db.rows(SESSION_ROWS)).containsExactly(row("s", o.plusSeconds(40)));
    assertThat(db.value("SELECT last_activity FROM sessions")).isEqualTo(
        LocalDateTime.ofInstant(o.plusSeconds(40), ZoneOffset.UTC));
    assertThat(db.rows("SELECT replica_id, last_input_kind FROM rfb_viewer ORDER BY replica_id"))
        .containsExactly(row("replica-a", "POINTER_MOVE"), row("replica-b", "KEY_PRESS"));
    assertThat(db.rows(STATUS)).containsExactly(row("s", "ACTIVE", o.plusSeconds(40), 2L));

    a.close();
    assertThat(db.rows(STATUS)).as("the other replica's viewer keeps the session connected")
        .containsExactly(row("s", "ACTIVE", o.plusSeconds(40), 1L));
  }

  @Test
  void theViewCombinesTheViewersOfEveryReplica(TestDatabase db) throws Exception {
    // Replica a's viewer opened 70 s ago and has been idle since 60 s; replica b's viewer is typing.
    FakeTime timeA = FakeTime.startingAt(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .minusSeconds(70));
    FakeTime timeB = FakeTime.startingAt(timeA.origin());
    ActivityTracker a = tracker(timeA, "replica-a", JdbcActivityStore.builder().dataSource(db.dataSource())
        .build());
    ActivityTracker b = tracker(timeB, "replica-b", JdbcActivityStore.builder().dataSource(db.dataSource())
        .build());
    Viewer va = a.viewerOpened("s", "1", Map.of(), true);
    a.tick();
    timeA.set(s("61"));
    a.tick();
    assertThat(db.rows(STATUS)).containsExactly(row("s", "CONNECTED_IDLE", timeA.origin(), 1L));

    timeB.set(s("65"));
    Viewer vb = b.viewerOpened("s", "1", Map.of(), true);
    timeB.set(s("66"));
    b.input(vb, InputKind.KEY_PRESS);
    timeB.set(s("66.5"));
    b.tick();
    assertThat(db.rows(STATUS)).as("one replica's active viewer makes the session active")
        .containsExactly(row("s", "ACTIVE", timeB.at(s("66")), 2L));
    assertThat(db.rows("SELECT last_activity, active_until FROM rfb_session_activity"))
        .containsExactly(row(timeB.at(s("66")), timeB.at(s("126"))));

    timeB.set(s("67"));
    b.viewerClosed(vb);
    b.tick();
    assertThat(db.rows("SELECT replica_id, state, active_until FROM rfb_viewer"))
        .containsExactly(row("replica-a", "CONNECTED_IDLE", timeA.at(s("60"))));
    assertThat(db.rows(STATUS)).as("the closed viewer's input keeps the session active for its window, although "
        + "the replica left holds only an idle viewer").containsExactly(row("s", "ACTIVE", timeB.at(s("66")), 1L));

    timeA.set(s("68"));
    a.viewerClosed(va);
    a.tick();
    assertThat(db.rows(STATUS)).containsExactly(row("s", "DISCONNECTED", timeB.at(s("66")), 0L));
  }

  @Test
  void aReplicaThatStopsHeartbeatingHasItsViewersExpire(TestDatabase db) throws Exception {
    ActivityTracker crashed = new ActivityTracker(fast("crashed", db));
    ActivityTracker alive = new ActivityTracker(fast("alive", db));
    crashed.viewerOpened("s", "1", Map.of(), true);
    crashed.tick(); // one heartbeat, then silence: never ticked or closed again
    alive.viewerOpened("s", "2", Map.of(), true);
    alive.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> db.rows(STATUS).get(0).get(3).equals(2L));
      await().atMost(Duration.ofSeconds(15)).until(() -> db.rows(STATUS).get(0).get(3).equals(1L));
      assertThat(db.rows("SELECT replica_id FROM rfb_viewer WHERE expires_at > now()"))
          .containsExactly(row("alive"));
      await().atMost(Duration.ofSeconds(15)).until(() -> db.rows("SELECT replica_id FROM rfb_viewer")
          .equals(List.of(row("alive"))));
    } finally {
      alive.close();
    }
    assertThat(db.rows("SELECT state, viewers FROM rfb_session_status")).containsExactly(
        row("DISCONNECTED", 0L));
  }

  /** Real time, a 3 s window and a 1 s heartbeat: a viewer row expires 3 s after its last heartbeat. */
  private static ActivityConfig fast(String replica, TestDatabase db) {
    return ActivityConfig.builder().activeWindow(Duration.ofSeconds(3)).persistInterval(Duration.ofSeconds(1))
        .flushTick(Duration.ofMillis(100)).replicaId(replica)
        .store(JdbcActivityStore.builder().dataSource(db.dataSource()).build()).build();
  }

  @Test
  void aMirrorRowTheHostRefusesIsCountedAndTheActivityIsStillStored(TestDatabase db) throws Exception {
    db.execute("DROP TABLE IF EXISTS short_sessions",
        "CREATE TABLE short_sessions (id VARCHAR(8) PRIMARY KEY, last_activity TIMESTAMP)");
    FakeTime time = FakeTime.startingNow();
    RecordingMetrics metrics = new RecordingMetrics();
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker())
        .clock(time.clock()).replicaId("r1").metrics(metrics).store(JdbcActivityStore.builder()
            .dataSource(db.dataSource()).mirrorSql("INSERT INTO short_sessions VALUES "
                + "(:session_id, :last_activity) ON CONFLICT (id) DO UPDATE SET last_activity = "
                + "EXCLUDED.last_activity").build()).build());
    tracker.viewerOpened("short", "1", Map.of(), true);
    tracker.viewerOpened("much-too-long-id", "1", Map.of(), true);
    tracker.tick();
    assertThat(tracker.storeHealth().healthy()).isTrue();
    assertThat(tracker.storeHealth().rejectedRows()).isEqualTo(1);
    assertThat(metrics.storeErrors).containsExactly(Map.entry("22", 1L));
    assertThat(db.rows(SESSION_ROWS)).containsExactly(row("much-too-long-id", time.origin()),
        row("short", time.origin()));
    assertThat(db.rows("SELECT id FROM short_sessions")).containsExactly(row("short"));
  }
}
