package org.rfbactivity.proxy.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;

/** A stream the inspector cannot read is still relayed, and shown as blind: API, metrics, and the tracker's policy. */
@ExtendWith(LeakWatch.class)
class BlindViewerIT {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aViewerWithAnUnknownProtocolVersionIsBlind() throws Exception {
    RfbScript script = RfbScript.random(3, 1024, 64);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.BANNER_ONLY);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--handshake-timeout", "1s", "--flush-tick", "100ms")) {
      try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
        viewer.in().readNBytes(12);
        byte[] notRfb = "XYZ 003.008\n".getBytes(StandardCharsets.US_ASCII);
        viewer.write(notRfb, 0, notRfb.length);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          JsonNode v = JSON.readTree(proxy.admin("/api/sessions/desk").body()).get("viewers").get(0);
          assertThat(v.get("inspectable").asBoolean()).isFalse();
          assertThat(v.get("blindReason").asText()).isEqualTo("BAD_VERSION");
        });
        JsonNode session = JSON.readTree(proxy.admin("/api/sessions/desk").body());
        assertThat(session.get("state").asText()).as("blind viewers count as active by default").isEqualTo("ACTIVE");
        assertThat(blindGauge(proxy)).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(proxy.admin("/metrics").body())
            .contains("vnc_activity_blind_viewers_total{reason=\"bad_version\"} 1.0"));

        // Blind is not stuck: the stream keeps flowing past the handshake timeout (the viewer is not closed).
        byte[] more = {1, 2, 3};
        viewer.write(more, 0, more.length);
        await().atMost(Duration.ofSeconds(5)).until(() -> relayedFromClients(proxy) == notRfb.length + more.length);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
            .until(() -> proxy.server().connectedViewers() == 1);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> blindGauge(proxy) == 0.0);
      ScriptedRfbServer.Received r = server.nextReceived(Duration.ofSeconds(10));
      assertThat(r.bytes()).isEqualTo(15);
    }
  }

  /**
   * Inside the open's active window a blind viewer's session is ACTIVE under either policy (an open counts); once it
   * has passed, {@code --blind-policy} decides: {@code active} keeps it ACTIVE while connected, {@code idle} lets it
   * turn CONNECTED_IDLE like a viewer that only watches.
   */
  @ParameterizedTest
  @CsvSource({"active, ACTIVE", "idle, CONNECTED_IDLE"})
  void theBlindPolicyDecidesOnceTheOpensWindowHasPassed(String policy, String expected) throws Exception {
    RfbScript script = RfbScript.random(3, 1024, 64);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.BANNER_ONLY);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--flush-tick", "100ms", "--active-window", "2s", "--persist-interval", "1s", "--blind-policy", policy);
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      viewer.in().readNBytes(12);
      byte[] notRfb = "XYZ 003.008\n".getBytes(StandardCharsets.US_ASCII);
      viewer.write(notRfb, 0, notRfb.length);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(JSON.readTree(
          proxy.admin("/api/sessions/desk").body()).get("viewers").get(0).get("inspectable").asBoolean()).isFalse());

      // Watched for longer than the window (2 s from the open), so the open's activity has expired in the end.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15))
          .until(() -> expected.equals(JSON.readTree(proxy.admin("/api/sessions/desk").body()).get("state").asText()));
      assertThat(proxy.server().connectedViewers()).isEqualTo(1);
    }
  }

  private static double blindGauge(TestProxy proxy) {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.blind").tag("reason", "bad_version").gauge().value();
  }

  private static double relayedFromClients(TestProxy proxy) {
    return proxy.server().meterRegistry().get("vnc.proxy.relayed").tag("direction", "client_to_server")
        .functionCounter().count();
  }
}
