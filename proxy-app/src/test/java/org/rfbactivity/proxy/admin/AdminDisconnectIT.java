package org.rfbactivity.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.relay.FrontendKind;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;
import org.slf4j.LoggerFactory;

/**
 * The admin API's disconnects on one replica without a database (docs/architecture.md#control-channel): real raw TCP
 * and WebSocket viewers through a real proxy, closed by {@code DELETE /api/sessions/{id}/viewers} and
 * {@code DELETE /api/viewers/{viewerId}} with {@code admin_disconnect}; and what the endpoints refuse.
 */
@ExtendWith(LeakWatch.class)
class AdminDisconnectIT {

  static final String TOKEN = "admin-token-0123456789";
  static final int SERVER_BYTES = 1024;
  static final Duration WAIT = Duration.ofSeconds(10);

  final RfbScript script = RfbScript.random(17, SERVER_BYTES, 64);
  final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @TempDir
  Path dir;

  @BeforeEach
  void watchTheViewerLog() {
    log.start();
    ((Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer")).addAppender(log);
  }

  @AfterEach
  void stopWatching() {
    ((Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer")).detachAppender(log);
  }

  @Test
  void bothEndpointsCloseRawTcpAndWebSocketViewers() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server)) {
      // The session's endpoint: one TCP and one WebSocket viewer, both closed by one DELETE.
      try (TcpTransport tcp = TcpTransport.connect(proxy.tcp());
          WsTransport ws = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
        String tcpId = viewer(proxy, tcp, FrontendKind.TCP, 1);
        String wsId = viewer(proxy, ws, FrontendKind.WEBSOCKET, 2);
        List<String> ids = new ArrayList<>(List.of(tcpId, wsId));
        ids.sort(null);

        HttpResponse<String> r = proxy.admin("DELETE", "/api/sessions/desk/viewers?reason=maintenance%20window", TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"sessionId\":\"desk\",\"closed\":["
            + "{\"viewerId\":\"" + ids.get(0) + "\",\"replica\":\"proxy-a\"},"
            + "{\"viewerId\":\"" + ids.get(1) + "\",\"replica\":\"proxy-a\"}],"
            + "\"replicas\":[{\"replica\":\"proxy-a\",\"acknowledged\":true,\"closed\":2}]}");
        assertThat(tcp.in().read()).as("a FIN after what it was sent").isEqualTo(-1);
        assertThat(ws.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4000);
        assertThat(ws.closeText().get()).isEqualTo("admin disconnect");
        await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 0);
        assertThat(closeLines()).containsExactlyInAnyOrder(
            tcpId + " reason=admin_disconnect detail=\"via proxy-a: maintenance window\"",
            wsId + " reason=admin_disconnect detail=\"via proxy-a: maintenance window\"");
      }
      // The viewer's endpoint: one at a time, the other one stays.
      log.list.clear();
      try (TcpTransport tcp = TcpTransport.connect(proxy.tcp());
          WsTransport ws = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
        String tcpId = viewer(proxy, tcp, FrontendKind.TCP, 3);
        String wsId = viewer(proxy, ws, FrontendKind.WEBSOCKET, 4);

        HttpResponse<String> r = proxy.admin("DELETE", "/api/viewers/" + wsId, TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"viewerId\":\"" + wsId + "\",\"closed\":[{\"viewerId\":\"" + wsId
            + "\",\"replica\":\"proxy-a\"}],\"replicas\":[{\"replica\":\"proxy-a\",\"acknowledged\":true,\"closed\":1}]}");
        assertThat(ws.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4000);
        assertThat(proxy.server().viewers().byId(tcpId)).as("the other viewer stays").isPresent();

        r = proxy.admin("DELETE", "/api/viewers/" + tcpId + "?reason=%22quoted%22", TOKEN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"viewerId\":\"" + tcpId + "\",\"closed\":[{\"viewerId\":\"" + tcpId
            + "\",\"replica\":\"proxy-a\"}],\"replicas\":[{\"replica\":\"proxy-a\",\"acknowledged\":true,\"closed\":1}]}");
        assertThat(tcp.in().read()).isEqualTo(-1);
        await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 0);
        assertThat(closeLines()).containsExactly(wsId + " reason=admin_disconnect detail=\"via proxy-a\"",
            tcpId + " reason=admin_disconnect detail=\"via proxy-a: 'quoted'\"");

        // Closed already: nobody holds them any more.
        assertThat(proxy.admin("DELETE", "/api/viewers/" + tcpId, TOKEN).body())
            .isEqualTo("{\"error\":\"unknown viewer\"}");
      }
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", "admin_disconnect")
          .counter().count()).isEqualTo(4.0);
      HttpResponse<String> none = proxy.admin("DELETE", "/api/sessions/desk/viewers", TOKEN);
      assertThat(none.statusCode()).isEqualTo(404);
      assertThat(none.body()).isEqualTo("{\"error\":\"no viewer of this session\"}");
    }
  }

  @Test
  void badRequestsAreRefused() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server);
        TcpTransport tcp = TcpTransport.connect(proxy.tcp())) {
      String id = viewer(proxy, tcp, FrontendKind.TCP, 1);

      HttpResponse<String> r = proxy.admin("DELETE", "/api/viewers/" + id, null);
      assertThat(r.statusCode()).isEqualTo(401);
      r = proxy.admin("DELETE", "/api/sessions/desk/viewers", "wrong");
      assertThat(r.statusCode()).isEqualTo(401);

      r = proxy.admin("GET", "/api/sessions/desk/viewers", TOKEN);
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.headers().allValues("allow")).containsExactly("DELETE");
      r = proxy.admin("POST", "/api/viewers/" + id, TOKEN);
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.headers().allValues("allow")).containsExactly("DELETE");
      r = proxy.admin("DELETE", "/api/sessions/desk", TOKEN);
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.headers().allValues("allow")).containsExactly("GET");
      r = proxy.admin("DELETE", "/api/sessions", TOKEN);
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.headers().allValues("allow")).containsExactly("GET");
      assertThat(proxy.admin("/api/sessions/desk", TOKEN).statusCode()).as("GET stays").isEqualTo(200);

      r = proxy.admin("DELETE", "/api/viewers/" + id + "?reason=line%0Abreak", TOKEN);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).isEqualTo("{\"error\":\"reason with a control character at index 4\"}");
      r = proxy.admin("DELETE", "/api/viewers/" + id + "?reason=" + "x".repeat(201), TOKEN);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).isEqualTo("{\"error\":\"reason longer than 200 characters\"}");
      r = proxy.admin("DELETE", "/api/viewers/" + id + "?reason=a&reason=b", TOKEN);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).isEqualTo("{\"error\":\"reason given more than once\"}");

      r = proxy.admin("DELETE", "/api/viewers/v0000000000000000", TOKEN);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).isEqualTo("{\"error\":\"unknown viewer\"}");
      r = proxy.admin("DELETE", "/api/sessions/other/viewers", TOKEN);
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).isEqualTo("{\"error\":\"no viewer of this session\"}");
      r = proxy.admin("DELETE", "/api/sessions/a%2Fb/viewers", TOKEN);
      assertThat(r.statusCode()).as("not a session id").isEqualTo(404);

      // None of that closed the viewer; a reason of exactly 200 characters is taken.
      assertThat(proxy.server().viewers().byId(id)).isPresent();
      r = proxy.admin("DELETE", "/api/viewers/" + id + "?reason=" + "x".repeat(200), TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(tcp.in().read()).isEqualTo(-1);
    }
  }

  private TestProxy proxy(ScriptedRfbServer server) throws Exception {
    Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n", StandardCharsets.UTF_8);
    return TestProxy.start("--target", server.target(), "--session-id", "desk", "--replica-id", "proxy-a",
        "--admin-token-file", token.toString(), "--max-connect-rate-per-ip", "0");
  }

  /** Handshakes the viewer and returns its id once it is the {@code n}th viewer opened, of the frontend kind. */
  private String viewer(TestProxy proxy, org.rfbactivity.proxy.testing.ViewerTransport viewer, FrontendKind kind,
      int n) throws Exception {
    ScriptedRfbClient.handshake(viewer, script);
    assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
    await().atMost(WAIT).until(() -> proxy.server().meterRegistry().get("vnc.proxy.viewers.opened").counters()
        .stream().mapToDouble(c -> c.count()).sum() == n);
    return proxy.server().viewers().bySession("desk").stream()
        .filter(v -> v.description().frontend() == kind && !v.isClosed())
        .map(ViewerConnection::id).reduce((a, b) -> {
          throw new AssertionError("two open viewers of " + kind);
        }).orElseThrow();
  }

  /** {@code id reason=… detail="…"} of each {@code viewer close} line, in order. */
  private List<String> closeLines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : log.list) {
      String m = e.getFormattedMessage();
      if (m.startsWith("viewer close ")) {
        lines.add(m.substring("viewer close id=".length(), m.indexOf(' ', "viewer close id=".length()))
            + m.substring(m.lastIndexOf(" reason=")));
      }
    }
    return lines;
  }
}
