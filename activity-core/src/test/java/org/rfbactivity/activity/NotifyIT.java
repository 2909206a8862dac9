package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.PostgresExtension;
import org.rfbactivity.activity.store.TestDatabase;

/**
 * NOTIFY in the flush transaction (docs/architecture.md#events): two replicas on one PostgreSQL, a plain JDBC
 * connection LISTENing, and the status view read after every flush. Real time with a 1 s active window, because the
 * view compares with the database's now().
 */
@ExtendWith(PostgresExtension.class)
class NotifyIT {

  private static final Pattern FIELD = Pattern.compile("\"(type|sessionId|replicaId|viewerId|from|to|at|reason)\""
      + ":\"([^\"]*)\"");

  private final String channel = "rfb_test_" + Long.toHexString(System.nanoTime());
  private final List<ActivityTracker> trackers = new ArrayList<>();
  private Connection listener;

  @AfterEach
  void closeAll() throws Exception {
    for (ActivityTracker t : trackers) {
      t.close();
    }
    if (listener != null) {
      try (Statement s = listener.createStatement()) {
        s.execute("UNLISTEN *"); // the pool keeps the connection
      }
      listener.close();
    }
  }

  private ActivityTracker tracker(String replica, JdbcActivityStore store) {
    return tracker(replica, store, Duration.ofSeconds(1));
  }

  private ActivityTracker tracker(String replica, JdbcActivityStore store, Duration activeWindow) {
    ActivityTracker t = new ActivityTracker(ActivityConfig.builder().activeWindow(activeWindow)
        .persistInterval(Duration.ofMillis(500))
        .flushTick(Duration.ofMillis(100)).maxRetryBackoff(Duration.ofMillis(500)).replicaId(replica).store(store).build());
    trackers.add(t);
    return t;
  }

  private void listen(TestDatabase db) throws Exception {
    listener = db.dataSource().getConnection();
    try (Statement s = listener.createStatement()) {
      s.execute("LISTEN " + channel);
    }
  }

  /** Every notification that arrives within {@code wait}, as "type key=value …" lines. */
  private List<String> heard(Duration wait) throws Exception {
    List<String> out = new ArrayList<>();
    heardJson(wait).forEach(json -> out.add(describe(json)));
    return out;
  }

  private static String describe(String json) {
    StringBuilder b = new StringBuilder();
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      if (!m.group(1).equals("at")) {
        b.append(b.length() == 0 ? "" : " ").append(m.group(1)).append('=').append(m.group(2));
      }
    }
    return b.toString();
  }

  private static String at(String json) {
    Matcher m = Pattern.compile("\"at\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  @Test
  void aListenerHearsExactlyTheTransitionsTheViewShowsInCommitOrder(TestDatabase db) throws Exception {
    listen(db);
    ActivityTracker r1 = tracker("r1", JdbcActivityStore.builder().dataSource(db.dataSource())
        .notifyChannel(channel).build());
    ActivityTracker r2 = tracker("r2", JdbcActivityStore.builder().dataSource(db.dataSource())
        .notifyChannel(channel).build());

    Viewer a = r1.viewerOpened("s1", "a", Map.of(), true);
    r1.tick();
    assertThat(heard(Duration.ofSeconds(2))).containsExactly(
        "type=viewer.opened replicaId=r1 sessionId=s1 viewerId=a",
        "type=session.state_changed replicaId=r1 sessionId=s1 from=DISCONNECTED to=ACTIVE viewerId=a "
            + "reason=VIEWER_OPENED");
    assertThat(db.value("SELECT state FROM rfb_session_status WHERE session_id = 's1'")).isEqualTo("ACTIVE");

    Viewer b = r2.viewerOpened("s1", "b", Map.of(), true);
    r2.tick();
    assertThat(heard(Duration.ofMillis(500))).as("the cluster was already active").containsExactly(
        "type=viewer.opened replicaId=r2 sessionId=s1 viewerId=b");

    r1.input(a, InputKind.KEY_PRESS);
    r1.tick();
    // Both replicas' windows run out; whichever flush settles it, the cluster turns idle exactly once.
    List<String> idle = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      r1.tick();
      r2.tick();
      idle.addAll(heard(Duration.ofMillis(100)));
      return !idle.isEmpty() && "CONNECTED_IDLE".equals(db.value("SELECT state FROM rfb_session_activity "
          + "WHERE session_id = 's1'"));
    });
    r1.tick();
    r2.tick();
    idle.addAll(heard(Duration.ofMillis(300)));
    assertThat(idle).hasSize(1).first().asString().startsWith("type=session.state_changed")
        .contains("from=ACTIVE to=CONNECTED_IDLE", "reason=WINDOW_ELAPSED");

    r1.viewerClosed(a, "client_closed");
    r1.tick();
    assertThat(heard(Duration.ofMillis(500))).as("b is still connected").containsExactly(
        "type=viewer.closed replicaId=r1 sessionId=s1 viewerId=a reason=client_closed");

    r2.viewerClosed(b, "server_closed");
    listener.unwrap(PGConnection.class).getNotifications(1); // nothing pending
    r2.tick();
    List<String> raw = new ArrayList<>();
    PGNotification[] last = listener.unwrap(PGConnection.class).getNotifications(2000);
    for (PGNotification n : last) {
      if (n.getName().equals(channel)) {
        raw.add(n.getParameter());
      }
    }
    assertThat(raw).extracting(NotifyIT::describe).containsExactly(
        "type=viewer.closed replicaId=r2 sessionId=s1 viewerId=b reason=server_closed",
        "type=session.state_changed replicaId=r2 sessionId=s1 from=CONNECTED_IDLE to=DISCONNECTED viewerId=b "
            + "reason=VIEWER_CLOSED");
    // The view agrees with the last event: state, and since when.
    assertThat(db.rows("SELECT state, state_since, last_cause_viewer_id, last_cause_reason, viewers "
        + "FROM rfb_session_status WHERE session_id = 's1'")).containsExactly(TestDatabase.row("DISCONNECTED",
        Instant.parse(at(raw.get(1))), "b", "VIEWER_CLOSED", 0L));
    assertThat(raw.get(1)).contains("\"fromSince\":\"", "\"durationMs\":");
  }

  /**
   * Policy events go out like any other (docs/architecture.md#policies): the warning, then the policy's close with
   * the application's close it caused, then the cluster's state change, in the same commit. Simulated time starting
   * 20 s ago: the rows are fresh for the database's now(), and the settled change's time (never after the database's
   * now()) is the tracker's own.
   */
  @Test
  void policyEventsAreNotifiedWithTheCloseTheyCaused(TestDatabase db) throws Exception {
    listen(db);
    FakeTime time = FakeTime.startingAt(Instant.ofEpochSecond(Instant.now().getEpochSecond() - 20));
    ActivityTracker[] self = new ActivityTracker[1];
    ActivityTracker r1 = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .replicaId("r1").store(JdbcActivityStore.builder().dataSource(db.dataSource()).notifyChannel(channel).build())
        .policy(ViewerPolicy.builder().idleDisconnect(Duration.ofSeconds(10)).idleWarning(Duration.ofSeconds(5))
            .build())
        .viewerCloser((viewer, reason) -> self[0].viewerClosed(viewer, reason.label())).build());
    self[0] = r1;
    trackers.add(r1);

    r1.viewerOpened("p1", "a", Map.of(), true);
    time.set(Duration.ofMillis(500));
    r1.tick();
    assertThat(heard(Duration.ofSeconds(2))).containsExactly(
        "type=viewer.opened replicaId=r1 sessionId=p1 viewerId=a",
        "type=session.state_changed replicaId=r1 sessionId=p1 from=DISCONNECTED to=ACTIVE viewerId=a "
            + "reason=VIEWER_OPENED");

    time.set(Duration.ofMillis(5500));
    r1.tick();
    List<String> raw = new ArrayList<>();
    for (PGNotification n : listener.unwrap(PGConnection.class).getNotifications(2000)) {
      if (n.getName().equals(channel)) {
        raw.add(n.getParameter());
      }
    }
    assertThat(raw).containsExactly("{\"schema\":1,\"id\":\"" + id(raw.get(0)) + "\",\"type\":\"session.idle_warning\","
        + "\"at\":\"" + time.at(Duration.ofMillis(5500)) + "\",\"replicaId\":\"r1\",\"sessionId\":\"p1\","
        + "\"disconnectAt\":\"" + time.at(Duration.ofSeconds(10)) + "\",\"secondsLeft\":4,\"limitMs\":10000}");

    time.set(Duration.ofMillis(10500));
    r1.tick();
    // The closer closed the viewer on the tick thread, before the tick collected its writes: one commit.
    assertThat(heard(Duration.ofSeconds(2))).containsExactly(
        "type=viewer.disconnected_by_policy replicaId=r1 sessionId=p1 viewerId=a reason=idle_timeout",
        "type=viewer.closed replicaId=r1 sessionId=p1 viewerId=a reason=idle_timeout",
        "type=session.state_changed replicaId=r1 sessionId=p1 from=ACTIVE to=DISCONNECTED viewerId=a "
            + "reason=VIEWER_CLOSED");
    assertThat(db.value("SELECT state FROM rfb_session_status WHERE session_id = 'p1'")).isEqualTo("DISCONNECTED");
  }

  private static String id(String json) {
    Matcher m = Pattern.compile("\"id\":\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  @Test
  void aFlushThatRollsBackNotifiesNothingAndTheNextCommitNotifiesOnce(TestDatabase db) throws Exception {
    listen(db);
    db.execute("CREATE TABLE notify_mirror (id text PRIMARY KEY, last_activity timestamptz)",
        "INSERT INTO notify_mirror VALUES ('m1', NULL)");
    ActivityTracker r1 = tracker("r1", JdbcActivityStore.builder().dataSource(db.dataSource())
        .notifyChannel(channel)
        .mirrorSql("UPDATE notify_mirror SET last_activity = :last_activity WHERE id = :session_id").build(),
        Duration.ofSeconds(60));
    // The mirror's table is gone: every flush fails on it (SQLSTATE 42P01) and rolls back.
    db.execute("ALTER TABLE notify_mirror RENAME TO notify_mirror_away");
    r1.viewerOpened("m1", "a", Map.of(), true);
    r1.tick();
    assertThat(r1.storeHealth().healthy()).isFalse();
    assertThat(heard(Duration.ofSeconds(1))).as("nothing of a rolled-back flush").isEmpty();
    assertThat(db.value("SELECT count(*) FROM rfb_session_activity WHERE session_id = 'm1'")).isEqualTo(0L);

    db.execute("ALTER TABLE notify_mirror_away RENAME TO notify_mirror");
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      r1.tick();
      return r1.storeHealth().healthy();
    });
    assertThat(heard(Duration.ofSeconds(1))).as("the held events, once, with the commit").containsExactly(
        "type=viewer.opened replicaId=r1 sessionId=m1 viewerId=a",
        "type=session.state_changed replicaId=r1 sessionId=m1 from=DISCONNECTED to=ACTIVE viewerId=a "
            + "reason=VIEWER_OPENED");
    assertThat(db.value("SELECT last_activity IS NOT NULL FROM notify_mirror WHERE id = 'm1'")).isEqualTo(true);
  }

  /**
   * A viewer closed on the flusher thread after its session was collected (here by a listener of another session's
   * transition) is written with its delete in the next batch, so the cluster's change is dated and explained by the
   * close itself, not guessed from the rows (docs/architecture.md#events).
   */
  @Test
  void aCloseMadeWhileATickDeliversIsDatedAndExplainedByItsOwnEvent(TestDatabase db) throws Exception {
    listen(db);
    AtomicReference<Runnable> onActive = new AtomicReference<>(() -> { });
    ActivityTracker r1 = new ActivityTracker(ActivityConfig.builder().activeWindow(Duration.ofSeconds(1))
        .persistInterval(Duration.ofMillis(500)).flushTick(Duration.ofMillis(100))
        .maxRetryBackoff(Duration.ofMillis(500)).replicaId("r1").store(JdbcActivityStore.builder()
            .dataSource(db.dataSource()).notifyChannel(channel).build())
        .listener(t -> {
          if (t.sessionId().equals("y") && t.to() == ActivityState.ACTIVE) {
            onActive.get().run();
          }
        }).build());
    trackers.add(r1);
    Viewer x = r1.viewerOpened("x", "vx", Map.of(), true);
    Viewer y = r1.viewerOpened("y", "vy", Map.of(), true);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      r1.tick();
      return "CONNECTED_IDLE".equals(db.value("SELECT state FROM rfb_session_activity WHERE session_id = 'x'"))
          && "CONNECTED_IDLE".equals(db.value("SELECT state FROM rfb_session_activity WHERE session_id = 'y'"));
    });
    heard(Duration.ofMillis(300));

    onActive.set(() -> r1.viewerClosed(x, "client_closed"));
    r1.input(y, InputKind.KEY_PRESS);
    r1.tick();
    onActive.set(() -> { });
    r1.tick();
    List<String> json = heardJson(Duration.ofSeconds(1));
    assertThat(json.stream().map(NotifyIT::describe).toList()).containsExactly(
        "type=session.state_changed replicaId=r1 sessionId=y from=CONNECTED_IDLE to=ACTIVE viewerId=vy "
            + "reason=INPUT",
        "type=viewer.closed replicaId=r1 sessionId=x viewerId=vx reason=client_closed",
        "type=session.state_changed replicaId=r1 sessionId=x from=CONNECTED_IDLE to=DISCONNECTED viewerId=vx "
            + "reason=VIEWER_CLOSED");
    assertThat(at(json.get(2))).as("the change happened at the close").isEqualTo(at(json.get(1)));
    assertThat(db.value("SELECT state_since = last_disconnect_at AND last_cause_reason = 'VIEWER_CLOSED' "
        + "FROM rfb_session_activity WHERE session_id = 'x'")).isEqualTo(true);
  }

  /** Every notification of this test's channel that arrives within {@code wait}, as its JSON payload. */
  private List<String> heardJson(Duration wait) throws Exception {
    List<String> out = new ArrayList<>();
    PGNotification[] batch = listener.unwrap(PGConnection.class).getNotifications((int) wait.toMillis());
    while (batch != null && batch.length > 0) {
      for (PGNotification n : batch) {
        if (n.getName().equals(channel)) { // a pooled connection may still hold another test's
          out.add(n.getParameter());
        }
      }
      batch = listener.unwrap(PGConnection.class).getNotifications(200);
    }
    return out;
  }
}
