package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.NoneSecurityViewer;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * {@code vnc_activity_sessions{state}} as Prometheus scrapes it from {@code /metrics}, exact at every step of a session
 * behind a real Xvnc (docs/architecture.md#sessions-per-state): the declared session DISCONNECTED, a viewer's open
 * ACTIVE, CONNECTED_IDLE once the active window ran out, ACTIVE again on a typed key, DISCONNECTED when it left; and
 * the gauge agrees with {@code /api/sessions} at each step.
 */
@ExtendWith(LeakWatch.class)
class XvncSessionsGaugeIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Pattern SAMPLE = Pattern.compile("(?m)^vnc_activity_sessions\\{state=\"(\\w+)\"} (\\S+)$");

  @Test
  void theGaugeFollowsOneSessionThroughItsStates() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithoutAuth(320, 200);
        TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk",
            "--active-window", "3s", "--persist-interval", "1s", "--flush-tick", "100ms")) {
      assertThat(sessions(proxy)).isEqualTo(counts(0, 0, 1));
      assertThat(state(proxy)).isEqualTo("DISCONNECTED");

      try (TcpTransport tcp = TcpTransport.connect(proxy.tcp())) {
        NoneSecurityViewer viewer = NoneSecurityViewer.handshake(tcp);
        // Opening counts as activity: ACTIVE at once, CONNECTED_IDLE when the 3 s window has run out.
        await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 1);
        await().atMost(WAIT).until(() -> "CONNECTED_IDLE".equals(state(proxy)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(sessions(proxy)).isEqualTo(counts(0, 1, 0)));

        viewer.type(0x61);
        await().atMost(WAIT).until(() -> "ACTIVE".equals(state(proxy)));
        // counted at the input's evaluation (the next 100 ms tick), within the 3 s window
        await().atMost(WAIT).untilAsserted(() -> assertThat(sessions(proxy)).isEqualTo(counts(1, 0, 0)));
        await().atMost(WAIT).until(() -> "CONNECTED_IDLE".equals(state(proxy)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(sessions(proxy)).isEqualTo(counts(0, 1, 0)));
      }
      await().atMost(WAIT).until(() -> "DISCONNECTED".equals(state(proxy)));
      await().atMost(WAIT).untilAsserted(() -> assertThat(sessions(proxy)).isEqualTo(counts(0, 0, 1)));
      // Written and retired into the remembered sessions: still one DISCONNECTED, counted once.
      await().during(Duration.ofSeconds(2)).atMost(WAIT)
          .untilAsserted(() -> assertThat(sessions(proxy)).isEqualTo(counts(0, 0, 1)));
      assertThat(state(proxy)).isEqualTo("DISCONNECTED");
    }
  }

  private static Map<String, Double> counts(double active, double idle, double disconnected) {
    return new TreeMap<>(Map.of("ACTIVE", active, "CONNECTED_IDLE", idle, "DISCONNECTED", disconnected));
  }

  /** The gauge's samples in the Prometheus text /metrics serves. */
  static Map<String, Double> sessions(TestProxy proxy) throws Exception {
    Map<String, Double> out = new TreeMap<>();
    Matcher m = SAMPLE.matcher(proxy.admin("/metrics").body());
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  private static String state(TestProxy proxy) throws Exception {
    JsonNode desk = JSON.readTree(proxy.admin("/api/sessions/desk").body());
    return desk.get("state").asText();
  }
}
