package org.rfbactivity.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * Every replica's {@code /api/sessions[/{id}]} answers the cluster's state (docs/architecture.md#cluster-view): a
 * viewer typing on replica A and an idle viewer of the same session on replica B give the same answer on A, on B,
 * and on a third replica that holds no viewer of it, through the session's whole life.
 */
@ExtendWith(LeakWatch.class)
class ClusterApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] POINTER_MOVE = {5, 0, 0, 100, 0, 100};
  static EmbeddedPostgres pg;

  final RfbScript script = RfbScript.random(13, 4096, 256);

  @BeforeAll
  static void database() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    pg.close();
  }

  @Test
  void everyReplicaAnswersTheClustersState() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy a = replica(server, "proxy-a", "desk-ss");
        TestProxy b = replica(server, "proxy-b", "desk-ss");
        TestProxy c = replica(server, "proxy-c", "desk-c")) {
      TcpTransport viaA = TcpTransport.connect(a.tcp());
      TcpTransport viaB = TcpTransport.connect(b.tcp());
      ScriptedRfbClient.handshake(viaA, script);
      ScriptedRfbClient.handshake(viaB, script);

      // Both viewers open, then the opens' activity runs out: idle everywhere, each viewer shown with its replica.
      // Then three flush ticks more, so that both replicas' flushes have settled the idle period into the cluster's
      // row: input before that leaves the row ACTIVE since the open, and the API answers that older period's time and
      // cause (a known defect: an idle gap between two settles is not recorded; not fixed yet).
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        for (TestProxy p : List.of(a, b)) {
          JsonNode s = session(p);
          assertThat(s.get("state").asText()).isEqualTo("CONNECTED_IDLE");
          assertThat(s.get("lastCause").get("reason").asText()).isEqualTo("WINDOW_ELAPSED");
          assertThat(storedStateSince("desk-ss")).isEqualTo(s.get("stateSince").asText());
          assertThat(s.get("source").asText()).isEqualTo("replica+database");
          assertThat(replicas(s)).containsExactly("proxy-a", "proxy-b");
        }
      });
      Instant idleSince = Instant.parse(session(a).get("stateSince").asText());
      await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(idleSince.plusMillis(300)));
      String viewerOfA = viewerOf(session(a), "proxy-a");

      // Input on A only. B holds nothing but an idle viewer, and still answers ACTIVE once A has flushed.
      Instant typed = Instant.now();
      viaA.write(POINTER_MOVE, 0, POINTER_MOVE.length);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        for (TestProxy p : List.of(a, b)) {
          JsonNode s = session(p);
          assertThat(s.get("state").asText()).as(p.server().toString()).isEqualTo("ACTIVE");
          assertThat(s.get("lastInputKind").asText()).isEqualTo("POINTER_MOVE");
          assertThat(s.get("lastCause").get("reason").asText()).isEqualTo("INPUT");
          assertThat(s.get("lastCause").get("viewerId").asText()).isEqualTo(viewerOfA);
          assertThat(Instant.parse(s.get("activeUntil").asText())).isAfter(typed);
        }
      });
      JsonNode onA = session(a);
      JsonNode onB = session(b);
      // The same moment on every replica: the one the cluster's row records.
      assertThat(onB.get("stateSince").asText()).isEqualTo(onA.get("stateSince").asText())
          .isEqualTo(storedStateSince("desk-ss"));
      assertThat(onB.get("lastActivity").asText()).isEqualTo(onA.get("lastActivity").asText());
      // A replica that holds no viewer of it answers from the database alone, with the same state and time.
      JsonNode onC = session(c, "desk-ss");
      assertThat(onC.get("source").asText()).isEqualTo("database");
      assertThat(onC.get("state").asText()).isEqualTo("ACTIVE");
      assertThat(onC.get("stateSince").asText()).isEqualTo(onA.get("stateSince").asText());
      assertThat(replicas(onC)).containsExactly("proxy-a", "proxy-b");
      // Its list shows the session it holds nothing of, besides its own.
      assertThat(ids(c.admin("/api/sessions").body())).containsExactly("desk-c", "desk-ss");

      // The activity runs out on both at once.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        for (TestProxy p : List.of(a, b, c)) {
          JsonNode s = session(p, "desk-ss");
          assertThat(s.get("state").asText()).isEqualTo("CONNECTED_IDLE");
          assertThat(s.get("activeUntil").isNull()).isTrue();
        }
      });

      // A's viewer leaves: B's idle viewer keeps the session CONNECTED_IDLE on every replica.
      viaA.close();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        for (TestProxy p : List.of(a, b, c)) {
          JsonNode s = session(p, "desk-ss");
          assertThat(s.get("state").asText()).isEqualTo("CONNECTED_IDLE");
          assertThat(replicas(s)).containsExactly("proxy-b");
        }
      });

      // The last viewer leaves: DISCONNECTED everywhere, at the same moment, with the close's time.
      viaB.close();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        for (TestProxy p : List.of(a, b, c)) {
          JsonNode s = session(p, "desk-ss");
          assertThat(s.get("state").asText()).isEqualTo("DISCONNECTED");
          assertThat(s.get("viewers")).isEmpty();
          assertThat(s.get("stateSince").asText()).isEqualTo(storedStateSince("desk-ss"))
              .isEqualTo(s.get("lastDisconnectAt").asText());
        }
      });
      assertThat(session(c, "desk-ss").get("source").asText()).isEqualTo("database");
      assertThat(session(a).get("source").asText()).isEqualTo("replica+database");
    }
  }

  private TestProxy replica(ScriptedRfbServer server, String replicaId, String sessionId) {
    return TestProxy.start("--target", server.target(), "--session-id", sessionId, "--store", "postgres",
        "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"), "--replica-id", replicaId,
        "--notify-channel", "cluster_api_test", "--max-connect-rate-per-ip", "0",
        "--active-window", "4s", "--persist-interval", "1s", "--flush-tick", "100ms");
  }

  private static JsonNode session(TestProxy proxy) throws Exception {
    return session(proxy, "desk-ss");
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

  private static String viewerOf(JsonNode session, String replica) {
    for (JsonNode v : session.get("viewers")) {
      if (v.get("replica").asText().equals(replica)) {
        return v.get("id").asText();
      }
    }
    throw new AssertionError("no viewer of " + replica + " in " + session);
  }

  private static List<String> ids(String list) throws Exception {
    List<String> ids = new ArrayList<>();
    JSON.readTree(list).forEach(s -> ids.add(s.get("sessionId").asText()));
    return ids;
  }

  /** rfb_session_status's state_since for the session, as the API writes instants. */
  private static String storedStateSince(String id) throws Exception {
    try (Connection conn = pg.getPostgresDatabase().getConnection(); Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT state_since FROM rfb_session_status WHERE session_id = '" + id + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getTimestamp(1).toInstant().toString();
    }
  }
}
