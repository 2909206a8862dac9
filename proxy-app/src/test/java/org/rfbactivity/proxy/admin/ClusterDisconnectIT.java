package org.rfbactivity.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.relay.FrontendKind;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.ViewerTransport;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * Disconnects from any replica (docs/architecture.md#control-channel): two replicas on one embedded PostgreSQL with
 * real viewers; a {@code DELETE} on one replica closes what the other holds through the control channel, and the
 * answer says which replica closed what. A replica that missed a command's {@code NOTIFY} executes it when it
 * reconnects, on the viewers that were open when it was issued.
 */
@ExtendWith(LeakWatch.class)
class ClusterDisconnectIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final int SERVER_BYTES = 1024;
  static final Duration WAIT = Duration.ofSeconds(10);
  static EmbeddedPostgres pg;

  final RfbScript script = RfbScript.random(19, SERVER_BYTES, 64);

  @BeforeAll
  static void database() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    pg.close();
  }

  @Test
  void aDeleteOnOneReplicaClosesTheSessionsViewersOnBoth() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy a = replica(server, "proxy-a", "desk-k");
        TestProxy b = replica(server, "proxy-b", "desk-k");
        TcpTransport onA = TcpTransport.connect(a.tcp())) {
      String idA = viewer(a, onA, FrontendKind.TCP, "desk-k", 1);
      TcpTransport tcpOnB = TcpTransport.connect(b.tcp());
      String tcpIdB = viewer(b, tcpOnB, FrontendKind.TCP, "desk-k", 1);
      WsTransport wsOnB = WsTransport.connect(b.wsUri("/websockify"), null);
      String wsIdB = viewer(b, wsOnB, FrontendKind.WEBSOCKET, "desk-k", 2);
      List<String> idsB = sorted(tcpIdB, wsIdB);
      // B's viewers are in the database: A knows whom to ask.
      await().atMost(WAIT).untilAsserted(() -> assertThat(replicas(session(a, "desk-k")))
          .containsExactly("proxy-a", "proxy-b", "proxy-b"));

      HttpResponse<String> r = a.admin("DELETE", "/api/sessions/desk-k/viewers?reason=security%20incident", null);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      long command = (Long) value("SELECT max(id) FROM rfb_control_command");
      assertThat(r.body()).isEqualTo("{\"sessionId\":\"desk-k\",\"commandId\":" + command + ",\"closed\":["
          + "{\"viewerId\":\"" + idA + "\",\"replica\":\"proxy-a\"},"
          + "{\"viewerId\":\"" + idsB.get(0) + "\",\"replica\":\"proxy-b\"},"
          + "{\"viewerId\":\"" + idsB.get(1) + "\",\"replica\":\"proxy-b\"}],\"replicas\":["
          + "{\"replica\":\"proxy-a\",\"acknowledged\":true,\"closed\":1},"
          + "{\"replica\":\"proxy-b\",\"acknowledged\":true,\"closed\":2}]}");
      assertThat(onA.in().read()).isEqualTo(-1);
      assertThat(tcpOnB.in().read()).isEqualTo(-1);
      assertThat(wsOnB.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4000);
      assertThat(rows("SELECT issued_by, session_id, viewer_id, reason FROM rfb_control_command WHERE id = "
          + command)).containsExactly(List.of("proxy-a", "desk-k", "null", "security incident"));
      assertThat(rows("SELECT replica_id, closed, array_to_string(viewer_ids, ',') FROM rfb_control_ack "
          + "WHERE command_id = " + command)).containsExactly(List.of("proxy-b", "2", String.join(",", idsB)));
      assertThat(counter(b)).isEqualTo(2.0);

      await().atMost(WAIT).untilAsserted(() -> {
        for (TestProxy p : List.of(a, b)) {
          JsonNode s = session(p, "desk-k");
          assertThat(s.get("state").asText()).isEqualTo("DISCONNECTED");
          assertThat(s.get("viewers")).isEmpty();
        }
      });
      tcpOnB.close();
      wsOnB.close();
    }
  }

  @Test
  void aViewerHeldOnlyByTheOtherReplicaIsClosedThroughIt() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy a = replica(server, "proxy-a", "desk-v");
        TestProxy b = replica(server, "proxy-b", "desk-v");
        TcpTransport onB = TcpTransport.connect(b.tcp())) {
      String id = viewer(b, onB, FrontendKind.TCP, "desk-v", 1);
      TcpTransport otherOnB = TcpTransport.connect(b.tcp());
      viewer(b, otherOnB, FrontendKind.TCP, "desk-v", 2);
      await().atMost(WAIT).untilAsserted(() -> assertThat(replicas(session(a, "desk-v")))
          .containsExactly("proxy-b", "proxy-b"));

      HttpResponse<String> r = a.admin("DELETE", "/api/viewers/" + id, null);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      long command = (Long) value("SELECT max(id) FROM rfb_control_command");
      assertThat(r.body()).isEqualTo("{\"viewerId\":\"" + id + "\",\"commandId\":" + command + ",\"closed\":["
          + "{\"viewerId\":\"" + id + "\",\"replica\":\"proxy-b\"}],\"replicas\":["
          + "{\"replica\":\"proxy-b\",\"acknowledged\":true,\"closed\":1}]}");
      assertThat(onB.in().read()).isEqualTo(-1);
      assertThat(b.server().connectedViewers()).as("the other viewer stays").isEqualTo(1);

      // Nobody holds these: the database says so.
      r = a.admin("DELETE", "/api/viewers/v0000000000000000", null);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).isEqualTo("{\"error\":\"unknown viewer\"}");
      r = a.admin("DELETE", "/api/sessions/desk-nobody/viewers", null);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).isEqualTo("{\"error\":\"no viewer of this session\"}");
      assertThat(value("SELECT max(id) FROM rfb_control_command")).as("no command for them").isEqualTo(command);
      otherOnB.close();
    }
  }

  @Test
  void aDatabaseThatRefusesTheCommandIsA503AfterTheLocalCloseAndAskingAgainFinishesTheJob() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy a = replica(server, "proxy-a", "desk-u");
        TestProxy b = replica(server, "proxy-b", "desk-u");
        TcpTransport onA = TcpTransport.connect(a.tcp())) {
      String idA = viewer(a, onA, FrontendKind.TCP, "desk-u", 1);
      try (TcpTransport onB = TcpTransport.connect(b.tcp())) {
        String idB = viewer(b, onB, FrontendKind.TCP, "desk-u", 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(replicas(session(a, "desk-u")))
            .containsExactly("proxy-a", "proxy-b"));
        HttpResponse<String> r;
        try (Connection conn = pg.getPostgresDatabase().getConnection(); Statement s = conn.createStatement()) {
          s.execute("ALTER TABLE rfb_control_command RENAME TO rfb_control_command_away");
          try {
            r = a.admin("DELETE", "/api/sessions/desk-u/viewers", null);
          } finally {
            s.execute("ALTER TABLE rfb_control_command_away RENAME TO rfb_control_command");
          }
        }

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("{\"error\":\"store unavailable\",\"closed\":[{\"viewerId\":\"" + idA
            + "\",\"replica\":\"proxy-a\"}]}");
        assertThat(onA.in().read()).as("this replica's own viewer is closed all the same").isEqualTo(-1);
        assertThat(b.server().viewers().byId(idB)).as("not reached").isPresent();

        r = a.admin("DELETE", "/api/sessions/desk-u/viewers", null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        long command = (Long) value("SELECT max(id) FROM rfb_control_command");
        assertThat(r.body()).isEqualTo("{\"sessionId\":\"desk-u\",\"commandId\":" + command + ",\"closed\":["
            + "{\"viewerId\":\"" + idB + "\",\"replica\":\"proxy-b\"}],\"replicas\":["
            + "{\"replica\":\"proxy-b\",\"acknowledged\":true,\"closed\":1}]}");
        assertThat(onB.in().read()).isEqualTo(-1);
      }
    }
  }

  @Test
  void aReplicaThatMissedACommandExecutesItWhenItReconnects() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy c = replica(server, "proxy-c", "desk-c");
        TcpTransport before = TcpTransport.connect(c.tcp())) {
      String early = viewer(c, before, FrontendKind.TCP, "desk-c", 1);
      await().atMost(WAIT).until(() -> c.server().database() != null);
      // Stored without its NOTIFY, as if proxy-c had been reconnecting when it was sent.
      long command = (Long) value("INSERT INTO rfb_control_command (issued_by, session_id, reason) "
          + "VALUES ('proxy-x', 'desk-c', 'missed') RETURNING id");
      try (TcpTransport after = TcpTransport.connect(c.tcp())) {
        String late = viewer(c, after, FrontendKind.TCP, "desk-c", 2);
        assertThat(late).isNotEqualTo(early);

        // Every connection of the database ends; proxy-c's listener reconnects and catches up.
        value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'");

        await().atMost(WAIT).untilAsserted(() -> assertThat(rows("SELECT replica_id, closed, "
            + "array_to_string(viewer_ids, ',') FROM rfb_control_ack WHERE command_id = " + command))
            .containsExactly(List.of("proxy-c", "1", early)));
        assertThat(before.in().read()).isEqualTo(-1);
        assertThat(c.server().viewers().byId(late)).as("opened after the command: not its target").isPresent();
      }
    }
  }

  private TestProxy replica(ScriptedRfbServer server, String replicaId, String sessionId) {
    return TestProxy.start("--target", server.target(), "--session-id", sessionId, "--store", "postgres",
        "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"), "--replica-id", replicaId,
        "--notify-channel", "cluster_disconnect_test", "--control-channel", "cluster_disconnect_control",
        "--max-connect-rate-per-ip", "0", "--active-window", "2s", "--persist-interval", "1s",
        "--flush-tick", "100ms");
  }

  /**
   * Handshakes the viewer (the only connection of the replica not yet one); its id once it is the {@code n}th viewer
   * the replica opened.
   */
  private String viewer(TestProxy proxy, ViewerTransport viewer, FrontendKind kind, String session, int n)
      throws Exception {
    ScriptedRfbClient.handshake(viewer, script);
    assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
    await().atMost(WAIT).until(() -> proxy.server().meterRegistry().get("vnc.proxy.viewers.opened").counters()
        .stream().mapToDouble(c -> c.count()).sum() == n);
    List<String> ids = proxy.server().viewers().bySession(session).stream()
        .filter(v -> v.description().frontend() == kind).map(ViewerConnection::id).sorted().toList();
    // The newest of its kind: the one not seen before on this replica.
    return ids.stream().filter(id -> !seen.contains(id)).peek(seen::add).findFirst().orElseThrow();
  }

  private final List<String> seen = new ArrayList<>();

  private static double counter(TestProxy proxy) {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", "admin_disconnect")
        .counter().count();
  }

  private static List<String> sorted(String... ids) {
    List<String> list = new ArrayList<>(List.of(ids));
    list.sort(null);
    return list;
  }

  private static JsonNode session(TestProxy proxy, String id) throws Exception {
    var response = proxy.admin("/api/sessions/" + id);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<String> replicas(JsonNode session) {
    List<String> replicas = new ArrayList<>();
    session.get("viewers").forEach(v -> replicas.add(v.get("replica").asText()));
    return replicas;
  }

  private static Object value(String sql) throws Exception {
    try (Connection conn = pg.getPostgresDatabase().getConnection(); Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getObject(1);
    }
  }

  /** Every row as its columns' text ({@code "null"} for NULL). */
  private static List<List<String>> rows(String sql) throws Exception {
    try (Connection conn = pg.getPostgresDatabase().getConnection(); Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<String>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(String.valueOf(rs.getString(i)));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
