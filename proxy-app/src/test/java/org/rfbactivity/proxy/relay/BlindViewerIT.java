package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * A stream the inspector cannot read is still relayed, and shown as blind: API, metrics, and the tracker's policy.
 * It becomes a viewer only once both sides have talked after the point where it went blind; until then the
 * handshake timeout applies.
 */
@ExtendWith(LeakWatch.class)
class BlindViewerIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] NOT_RFB = "XYZ 003.008\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void aStreamWithAnUnknownProtocolVersionIsABlindViewerOnceBothSidesTalk() throws Exception {
    RfbScript script = RfbScript.random(3, 1024, 64);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.ECHO_AFTER_BANNER);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--handshake-timeout", "1s", "--flush-tick", "100ms")) {
      try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
        viewer.in().readNBytes(12);
        viewer.write(NOT_RFB, 0, NOT_RFB.length);
        assertThat(viewer.in().readNBytes(NOT_RFB.length)).as("the server's answer").isEqualTo(NOT_RFB);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          JsonNode v = JSON.readTree(proxy.admin("/api/sessions/desk").body()).get("viewers").get(0);
          assertThat(v.get("inspectable").asBoolean()).isFalse();
          assertThat(v.get("blindReason").asText()).isEqualTo("BAD_VERSION");
        });
        JsonNode session = JSON.readTree(proxy.admin("/api/sessions/desk").body());
        assertThat(session.get("state").asText()).as("opening counts as activity").isEqualTo("ACTIVE");
        assertThat(blindGauge(proxy)).isEqualTo(1.0);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(proxy.admin("/metrics").body())
            .contains("vnc_activity_blind_viewers_total{reason=\"bad_version\"} 1.0"));

        // Blind is not stuck: the stream keeps flowing past the handshake timeout (the viewer is not closed).
        byte[] more = {1, 2, 3};
        viewer.write(more, 0, more.length);
        assertThat(viewer.in().readNBytes(3)).isEqualTo(more);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
            .until(() -> proxy.server().connectedViewers() == 1);
        assertThat(relayed(proxy, "client_to_server")).isEqualTo(NOT_RFB.length + more.length);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> blindGauge(proxy) == 0.0);
      ScriptedRfbServer.Received r = server.nextReceived(Duration.ofSeconds(10));
      assertThat(r.bytes()).isEqualTo(15);
    }
  }

  /** A client that sends something unreadable to a server that does not answer it is no viewer: it times out. */
  @Test
  void aBlindStreamOnWhichOnlyTheClientTalksIsNeverAViewer() throws Exception {
    RfbScript script = RfbScript.random(3, 1024, 64);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.BANNER_ONLY);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--handshake-timeout", "1s", "--flush-tick", "100ms");
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      viewer.in().readNBytes(12);
      viewer.write(NOT_RFB, 0, NOT_RFB.length);
      for (int i = 0; i < 5; i++) {
        viewer.write(NOT_RFB, 0, NOT_RFB.length); // talking alone proves nothing
      }
      assertThat(viewer.in().read()).as("closed by the proxy after --handshake-timeout").isEqualTo(-1);

      assertThat(JSON.readTree(proxy.admin("/api/sessions/desk").body()).get("lastConnectAt").isNull())
          .as("no viewer ever reached the session").isTrue();
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.connections.refused")
          .tag("reason", "handshake_timeout").counter().count()).isEqualTo(1.0);
      assertThat(blindGauge(proxy)).isZero();
      assertThat(proxy.admin("/metrics").body())
          .contains("vnc_activity_blind_viewers_total{reason=\"bad_version\"} 0.0");
    }
  }

  /**
   * Inside the open's active window a blind viewer's session is ACTIVE under either policy (an open counts). After it,
   * {@code --blind-policy} decides: {@code active} keeps the session ACTIVE while the viewer sends and lets it turn
   * CONNECTED_IDLE one window after it stops; {@code idle} lets it turn CONNECTED_IDLE whatever it sends.
   */
  @ParameterizedTest
  @ValueSource(strings = {"active", "idle"})
  void theBlindPolicyDecidesWhetherWhatABlindViewerSendsIsActivity(String policy) throws Exception {
    RfbScript script = RfbScript.random(3, 1024, 64);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.ECHO_AFTER_BANNER);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--flush-tick", "100ms", "--active-window", "2s", "--persist-interval", "1s", "--blind-policy", policy);
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      viewer.in().readNBytes(12);
      viewer.write(NOT_RFB, 0, NOT_RFB.length);
      viewer.in().readNBytes(NOT_RFB.length);
      await().atMost(Duration.ofSeconds(10)).until(() -> "ACTIVE".equals(state(proxy)));

      // A byte every 250 ms, for longer than the window since the open.
      ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
      try {
        sender.scheduleWithFixedDelay(() -> {
          try {
            viewer.write(new byte[] {7}, 0, 1);
            viewer.in().readNBytes(1);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, 0, 250, TimeUnit.MILLISECONDS);
        if (policy.equals("active")) {
          await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(10))
              .until(() -> "ACTIVE".equals(state(proxy)));
        } else {
          await().atMost(Duration.ofSeconds(10)).until(() -> "CONNECTED_IDLE".equals(state(proxy)));
          await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5))
              .until(() -> "CONNECTED_IDLE".equals(state(proxy)));
        }
      } finally {
        sender.shutdownNow();
        sender.awaitTermination(5, TimeUnit.SECONDS);
      }

      // Silence: idle one window after the last byte, under either policy.
      await().atMost(Duration.ofSeconds(10)).until(() -> "CONNECTED_IDLE".equals(state(proxy)));
      assertThat(proxy.server().connectedViewers()).isEqualTo(1);
    }
  }

  private static String state(TestProxy proxy) throws Exception {
    return JSON.readTree(proxy.admin("/api/sessions/desk").body()).get("state").asText();
  }

  private static double blindGauge(TestProxy proxy) {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.blind").tag("reason", "bad_version").gauge().value();
  }

  private static double relayed(TestProxy proxy, String direction) {
    return proxy.server().meterRegistry().get("vnc.proxy.relayed").tag("direction", direction)
        .functionCounter().count();
  }
}
