package org.rfbactivity.proxy.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * The proxy pushes what happens to a session (docs/architecture.md#events, docs/architecture.md#time-in-state): a
 * static route's session answers DISCONNECTED before any viewer and after its last one left, with its times; a real
 * viewer's open, activity and close reach a real webhook receiver as signed events; with the memory store and with
 * PostgreSQL.
 */
@ExtendWith(LeakWatch.class)
class PushIT {

  private static final String SECRET = "a plain text secret of 24+ bytes";
  private static final ObjectMapper JSON = new ObjectMapper();
  static EmbeddedPostgres pg;

  final RfbScript script = RfbScript.random(7, 4096, 256);

  @BeforeAll
  static void database() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    pg.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "postgres"})
  void aSessionsLifeIsAnsweredWithItsTimesAndPushedToAWebhook(String store, @TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET);
    List<String> args = new ArrayList<>(List.of("--session-id", "desk-1", "--store", store,
        "--active-window", "3s", "--persist-interval", "1s", "--flush-tick", "100ms",
        "--max-connect-rate-per-ip", "0", "--webhook-secret-file", secret.toString()));
    if (store.equals("postgres")) {
      args.addAll(List.of("--jdbc-url", pg.getJdbcUrl("postgres", "postgres"), "--replica-id", "push-" + store,
          "--notify-channel", "push_test"));
    }
    try (Receiver receiver = new Receiver();
        ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT)) {
      args.addAll(List.of("--target", server.target(), "--webhook-url", receiver.url("/hooks")));
      Instant started = Instant.now();
      try (TestProxy proxy = TestProxy.start(args.toArray(String[]::new))) {
        JsonNode before = session(proxy);
        assertThat(before.get("state").asText()).isEqualTo("DISCONNECTED");
        assertThat(Instant.parse(before.get("stateSince").asText())).isBetween(started.minusSeconds(1), Instant.now());
        assertThat(before.get("lastConnectAt").isNull()).isTrue();

        TcpTransport viewer = TcpTransport.connect(proxy.tcp());
        ScriptedRfbClient.handshake(viewer, script);
        await().atMost(Duration.ofSeconds(10)).until(() -> types(receiver).contains("session.state_changed"));
        JsonNode active = session(proxy);
        assertThat(active.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(active.get("activeUntil").isNull()).isFalse();
        assertThat(active.get("lastCause").get("reason").asText()).isEqualTo("VIEWER_OPENED");

        viewer.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> types(receiver).size() >= 4);
        assertThat(types(receiver)).containsExactly("viewer.opened", "session.state_changed", "viewer.closed",
            "session.state_changed");
        List<JsonNode> events = new ArrayList<>();
        for (Receiver.Request r : receiver.requests) {
          assertThat(r.signature()).as("Standard Webhooks signature").isEqualTo(sign(r.id(), r.timestamp(), r.body()));
          JsonNode e = JSON.readTree(r.body());
          assertThat(r.id()).isEqualTo(e.get("id").asText());
          assertThat(e.get("sessionId").asText()).isEqualTo("desk-1");
          events.add(e);
        }
        assertThat(events.get(1).get("to").asText()).isEqualTo("ACTIVE");
        assertThat(events.get(2).get("reason").asText()).isEqualTo("client_closed");
        JsonNode gone = events.get(3);
        assertThat(gone.get("from").asText() + "->" + gone.get("to").asText()).isEqualTo("ACTIVE->DISCONNECTED");
        assertThat(gone.get("cause").get("reason").asText()).isEqualTo("VIEWER_CLOSED");
        assertThat(gone.get("durationMs").asLong()).isGreaterThanOrEqualTo(0);

        JsonNode after = session(proxy);
        assertThat(after.get("state").asText()).isEqualTo("DISCONNECTED");
        assertThat(after.get("stateSince").asText()).isEqualTo(gone.get("at").asText());
        assertThat(after.get("lastDisconnectAt").isNull()).isFalse();
        assertThat(after.get("lastConnectAt").isNull()).isFalse();
      }
    }
  }

  private static JsonNode session(TestProxy proxy) throws Exception {
    var response = proxy.admin("/api/sessions/desk-1");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<String> types(Receiver receiver) throws Exception {
    List<String> types = new ArrayList<>();
    for (Receiver.Request r : receiver.requests) {
      types.add(JSON.readTree(r.body()).get("type").asText());
    }
    return types;
  }

  /** The specification's signature, computed here independently of the sink. */
  private static String sign(String id, String timestamp, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
  }
}
