package org.rfbactivity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.Viewer;
import org.rfbactivity.examples.tracker.ApplicationActivity;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * The tracker alone, fed by an application's own events: here the application is a VNC client of its own (the
 * test's viewer) on a real Xvnc, which reports what its user does. The transitions are printed exactly, and the
 * session's row in PostgreSQL ends DISCONNECTED with its time and cause.
 */
class ApplicationActivityTest {

  @Test
  void theApplicationsOwnEventsGiveIdleThenActiveThenDisconnectedInPostgres() throws Exception {
    // The database compares rows with its own now(): the test's time starts a window and a second before the real
    // time, so that every instant it writes is past, and its viewer's heartbeat still fresh, for the database.
    IdleActiveDisconnected scenario = new IdleActiveDisconnected(
        new ManualTime(Instant.now().minus(IdleActiveDisconnected.WINDOW).minusSeconds(1)));
    List<String> printed = new ArrayList<>();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.start();
        XvncServer vnc = XvncServer.startWithoutAuth(640, 480)) {
      try (ApplicationActivity activity = new ApplicationActivity(postgres.getPostgresDatabase(),
          scenario.config().listener(new PrintedTransitions(line -> {
            synchronized (printed) {
              printed.add(line);
            }
          })))) {
        try (TestViewer client = new TestViewer(ViewerTransport.tcp(new InetSocketAddress("127.0.0.1", vnc.port())))
            .handshake()) {
          Viewer user = activity.userConnected("desk-3", "alice");
          scenario.awaitTransitions(1);
          scenario.windowPasses();
          scenario.awaitTransitions(2);
          client.type('a');
          activity.userTyped(user);
          scenario.awaitTransitions(3);
          activity.userLeft(user);
        }
        scenario.assertIdleThenActiveThenDisconnected("desk-3");
        synchronized (printed) {
          assertThat(printed).isEqualTo(scenario.transitions.lines());
        }
      }
      String later = OffsetDateTime.ofInstant(scenario.time.at(IdleActiveDisconnected.WINDOW),
          java.time.ZoneOffset.UTC).toString();
      try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement sql = db.createStatement()) {
        sql.execute("SET TIME ZONE 'UTC'");
        await().atMost(Duration.ofSeconds(10)).until(() -> row(sql).get(0).equals("DISCONNECTED"));
        assertThat(row(sql)).containsExactly("DISCONNECTED", later, later, "KEY_PRESS", "alice", null,
            "VIEWER_CLOSED");
      }
    }
  }

  /** The session's recorded state, its time, last activity, last input and the cause of the change. */
  private static List<String> row(Statement sql) throws Exception {
    try (ResultSet rs = sql.executeQuery("SELECT state, state_since, last_activity, last_input_kind,"
        + " last_cause_viewer_id, last_cause_input_kind, last_cause_reason FROM rfb_session_activity"
        + " WHERE session_id = 'desk-3'")) {
      List<String> values = new ArrayList<>();
      if (rs.next()) {
        values.add(rs.getString(1));
        values.add(rs.getObject(2, OffsetDateTime.class).toString());
        values.add(rs.getObject(3, OffsetDateTime.class).toString());
        for (int i = 4; i <= 7; i++) {
          values.add(rs.getString(i));
        }
      } else {
        values.add("no row");
      }
      return values;
    }
  }
}
