package org.rfbactivity.proxy.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.EventFeed;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * The policy flags through a real proxy (docs/architecture.md#policies): the tracker's tick decides, the viewer is
 * closed with its reason's WebSocket code (docs/architecture.md#policy-closes), and the warning, the policy close and
 * the viewer's close reach {@code /api/events}, the metric and the API. The tick's precision is activity-core's
 * {@code PolicyTest}, on a simulated clock; here the deadlines are only checked to be kept, not to the tick.
 */
@ExtendWith(LeakWatch.class)
class PolicyIT {

  static final int SERVER_BYTES = 1024;
  static final Duration WAIT = Duration.ofSeconds(15);

  final RfbScript script = RfbScript.random(17, SERVER_BYTES, 64);

  @Test
  void anIdleSessionIsWarnedThenItsWebSocketViewerClosedWith4001() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server, "--idle-disconnect", "2s", "--idle-warning", "1s");
        EventFeed events = EventFeed.open(proxy);
        WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
      ScriptedRfbClient.handshake(viewer, script);
      long opened = System.nanoTime();
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);

      assertThat(viewer.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4001);
      long closedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
      assertThat(viewer.closeText().get()).isEqualTo("idle timeout");
      assertThat(closedAfterMs).as("not before the deadline").isGreaterThanOrEqualTo(2000);

      await().atMost(WAIT).untilAsserted(() -> assertThat(types(events)).containsExactly("viewer.opened",
          "session.state_changed", "session.idle_warning", "viewer.disconnected_by_policy", "viewer.closed",
          "session.state_changed"));
      JsonNode warning = events.ofType("session.idle_warning").get(0);
      assertThat(warning.get("secondsLeft").asLong()).isBetween(0L, 1L);
      assertThat(warning.get("limitMs").asLong()).isEqualTo(2000);
      JsonNode byPolicy = events.ofType("viewer.disconnected_by_policy").get(0);
      assertThat(byPolicy.get("reason").asText()).isEqualTo("idle_timeout");
      assertThat(events.ofType("viewer.closed").get(0).get("reason").asText()).isEqualTo("idle_timeout");
      assertThat(byPolicy.get("viewerId").asText()).isEqualTo(events.ofType("viewer.closed").get(0)
          .get("viewerId").asText());
      assertThat(closed(proxy, "idle_timeout")).isEqualTo(1.0);
      await().atMost(WAIT).untilAsserted(() -> assertThat(proxy.admin("/api/sessions/desk").body())
          .contains("\"state\":\"DISCONNECTED\"").contains("\"lastCloseReason\":\"idle_timeout\""));
    }
  }

  @Test
  void inputKeepsARawTcpViewerOpenAndItIsClosedCleanlyOnceItStops() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server, "--idle-disconnect", "1500ms");
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      ScriptedRfbClient.handshake(viewer, script);
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
      // A person moving the mouse every half second for four seconds: far past the limit, never idle for it.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      int x = 0;
      while (System.nanoTime() < until) {
        x++;
        byte[] move = {5, 0, 0, (byte) x, 0, (byte) x};
        viewer.write(move, 0, move.length);
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(proxy.server().connectedViewers()).as("open while it moves").isEqualTo(1);
      }
      long stopped = System.nanoTime();
      assertThat(viewer.in().read()).as("a clean close (FIN) once idle for the limit").isEqualTo(-1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped)).isGreaterThanOrEqualTo(1000);
      await().atMost(WAIT).until(() -> closed(proxy, "idle_timeout") == 1.0);
    }
  }

  @Test
  void theMaximumDurationClosesAViewerWhateverItDoesWith4002AfterItsWarning() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server, "--max-session-duration", "2s", "--max-duration-warning", "1s");
        EventFeed events = EventFeed.open(proxy);
        WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
      ScriptedRfbClient.handshake(viewer, script);
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
      for (int x = 1; !viewer.closeCode().isDone() && x < 100; x++) {
        byte[] move = {5, 0, 0, (byte) x, 0, (byte) x};
        viewer.write(move, 0, move.length);
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
      }
      assertThat(viewer.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4002);
      assertThat(viewer.closeText().get()).isEqualTo("max duration");
      await().atMost(WAIT).untilAsserted(() -> assertThat(types(events)).containsSubsequence(
          "viewer.max_duration_warning", "viewer.disconnected_by_policy", "viewer.closed"));
      assertThat(events.ofType("viewer.disconnected_by_policy").get(0).get("reason").asText())
          .isEqualTo("max_duration");
      assertThat(events.ofType("viewer.max_duration_warning")).hasSize(1);
      assertThat(closed(proxy, "max_duration")).isEqualTo(1.0);
      assertThat(closed(proxy, "idle_timeout")).isZero();
    }
  }

  @Test
  void aBlindViewerIsClosedAtTheBlindLimitEvenWhileItSends() throws Exception {
    byte[] notRfb = "XYZ 003.008\n".getBytes(StandardCharsets.US_ASCII);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.ECHO_AFTER_BANNER);
        TestProxy proxy = proxy(server, "--blind-max-duration", "1s", "--idle-disconnect", "1h");
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      viewer.in().readNBytes(12);
      viewer.write(notRfb, 0, notRfb.length);
      assertThat(viewer.in().readNBytes(notRfb.length)).as("echoed: both sides talked").isEqualTo(notRfb);
      await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 0);
      assertThat(closed(proxy, "blind_max_duration")).isEqualTo(1.0);
      assertThat(viewer.in().read()).isEqualTo(-1);
    }
  }

  /** A token-file line's own limit applies to its viewers only (docs/architecture.md#policies, stricter wins). */
  @Test
  void aRoutesOwnIdleLimitClosesItsViewersAndNoOtherRoutes(@TempDir Path dir) throws Exception {
    try (ScriptedRfbServer strict = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        ScriptedRfbServer relaxed = ScriptedRfbServer.start(script, Behaviour.SCRIPT)) {
      Path tokens = Files.writeString(dir.resolve("tokens"), "strict: " + strict.target() + " idle_disconnect=2s\n"
          + "relaxed: " + relaxed.target() + "\n");
      try (TestProxy proxy = TestProxy.start("--token-file", tokens.toString(), "--flush-tick", "100ms",
              "--max-connect-rate-per-ip", "0", "--idle-disconnect", "1h");
          WsTransport a = WsTransport.connect(proxy.wsUri("/websockify?token=strict"), null);
          WsTransport b = WsTransport.connect(proxy.wsUri("/websockify?token=relaxed"), null)) {
        ScriptedRfbClient.handshake(a, script);
        ScriptedRfbClient.handshake(b, script);
        assertThat(a.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4001);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
            .until(() -> proxy.server().connectedViewers() == 1);
        assertThat(b.closeCode()).as("the other route keeps the global hour").isNotDone();
        assertThat(closed(proxy, "idle_timeout")).isEqualTo(1.0);
      }
    }
  }

  @Test
  void withoutPoliciesAQuietViewerStays() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server);
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      ScriptedRfbClient.handshake(viewer, script);
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
          .until(() -> proxy.server().connectedViewers() == 1);
    }
  }

  private static TestProxy proxy(ScriptedRfbServer server, String... policy) {
    List<String> args = new ArrayList<>(List.of("--target", server.target(), "--session-id", "desk",
        "--flush-tick", "100ms", "--max-connect-rate-per-ip", "0"));
    args.addAll(List.of(policy));
    return TestProxy.start(args.toArray(String[]::new));
  }

  private static double closed(TestProxy proxy, String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", reason).counter().count();
  }

  private static List<String> types(EventFeed events) throws Exception {
    List<String> types = new ArrayList<>();
    for (JsonNode e : events.all()) {
      types.add(e.get("type").asText());
    }
    return types;
  }
}
