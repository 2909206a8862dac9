package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.EventFeed;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Received;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;
import org.slf4j.LoggerFactory;

/**
 * {@link ViewerConnection#closeFor}: the proxy's own reasons to end a viewer (docs/architecture.md#policy-closes),
 * applied from a thread that is not the viewer's, through a real proxy between real sockets. The viewer learns why (a
 * WebSocket Close frame with the reason's code and text; on raw TCP a FIN after everything it was sent), the VNC server
 * gets a FIN after the viewer's input, and the reason reaches the log line, the metric and the tracker's
 * {@code viewer.closed} event exactly as any other close reason does.
 */
@ExtendWith(LeakWatch.class)
class PolicyCloseIT {

  static final int SERVER_BYTES = 4 * 1024;
  static final Duration WAIT = Duration.ofSeconds(10);

  final RfbScript script = RfbScript.random(11, SERVER_BYTES, 256);
  final ListAppender<ILoggingEvent> log = new ListAppender<>();

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
  void aRawTcpViewerClosedForAPolicyGetsAFinAfterEverythingItWasSent() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server);
        EventFeed events = EventFeed.open(proxy);
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      ScriptedRfbClient.handshake(viewer, script);
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).as("the server's payload").hasSize(SERVER_BYTES);
      ViewerConnection connection = establishedViewer(proxy, 1);
      String id = connection.id();
      assertThat(proxy.server().viewers().byId(id)).containsSame(connection);

      assertThat(connection.closeFor(CloseReason.IDLE_TIMEOUT).get(5, TimeUnit.SECONDS)).as("closed by this call")
          .isTrue();
      assertThat(connection.closeFor(CloseReason.IDLE_TIMEOUT).get(5, TimeUnit.SECONDS)).as("already closed")
          .isFalse();

      assertThat(viewer.in().read()).as("a FIN, not a reset, after everything it was sent").isEqualTo(-1);
      Received atServer = server.nextReceived(WAIT);
      assertThat(atServer).as("the VNC server's connection ended cleanly after the viewer's handshake bytes")
          .isEqualTo(new Received(RfbScript.sha256(Arrays.copyOf(script.clientStream(), 14)), 14, null));
      assertThat(proxy.server().viewers().byId(id)).isEmpty();
      assertThat(proxy.server().viewers().bySession("desk")).isEmpty();
      assertClosedOnce(proxy, List.of(CloseReason.IDLE_TIMEOUT));
      assertThat(closeLines()).containsExactly(id + " reason=idle_timeout");
      await().atMost(WAIT).untilAsserted(() -> assertThat(closedEvents(events))
          .containsExactly(id + " idle_timeout"));
    }
  }

  /** Every policy reason in turn, each on a viewer of its own. */
  @Test
  void aWebSocketViewerGetsTheReasonsCodeAndTextInItsCloseFrame() throws Exception {
    List<CloseReason> policies = Arrays.stream(CloseReason.values()).filter(CloseReason::isPolicy).toList();
    assertThat(policies).extracting(CloseReason::wsCloseCode)
        .containsExactly(4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007, 4008);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server);
        EventFeed events = EventFeed.open(proxy)) {
      List<String> expectedLines = new ArrayList<>();
      List<String> expectedEvents = new ArrayList<>();
      int n = 0;
      for (CloseReason reason : policies) {
        n++;
        try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
          ScriptedRfbClient.handshake(viewer, script);
          assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
          ViewerConnection connection = establishedViewer(proxy, n);

          assertThat(connection.closeFor(reason).get(5, TimeUnit.SECONDS)).isTrue();

          assertThat(viewer.closeCode().get(10, TimeUnit.SECONDS)).as(reason.label()).isEqualTo(reason.wsCloseCode());
          assertThat(viewer.closeText().get()).isEqualTo(reason.wsCloseText());
          assertThat(viewer.in().read()).as("nothing after the Close frame").isEqualTo(-1);
          assertThat(server.nextReceived(WAIT)).isEqualTo(
              new Received(RfbScript.sha256(Arrays.copyOf(script.clientStream(), 14)), 14, null));
          expectedLines.add(connection.id() + " reason=" + reason.label());
          expectedEvents.add(connection.id() + " " + reason.label());
        }
      }
      assertThat(policies).extracting(CloseReason::wsCloseText).containsExactly("admin disconnect", "idle timeout",
          "max duration", "blind max duration", "token revoked", "token expired", "route removed", "no pong",
          "cannot enforce");
      assertClosedOnce(proxy, policies);
      assertThat(closeLines()).containsExactlyElementsOf(expectedLines);
      await().atMost(WAIT).untilAsserted(() -> assertThat(closedEvents(events))
          .containsExactlyElementsOf(expectedEvents));
    }
  }

  /** A connection still in its handshake is closed the same way, and counted as refused with the reason. */
  @Test
  void aConnectionBeforeItIsAViewerIsRefusedWithTheReason() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.BANNER_ONLY);
        TestProxy proxy = proxy(server);
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      assertThat(viewer.in().readNBytes(12)).as("the banner").hasSize(12);
      await().atMost(WAIT).until(() -> proxy.server().viewers().bySession("desk").size() == 1);
      ViewerConnection connection = proxy.server().viewers().bySession("desk").get(0);

      assertThat(connection.closeFor(CloseReason.ADMIN_DISCONNECT, "by test").get(5, TimeUnit.SECONDS)).isTrue();

      assertThat(viewer.in().read()).isEqualTo(-1);
      await().atMost(WAIT).until(() -> proxy.server().viewers().size() == 0);
      assertThat(counter(proxy, "vnc.proxy.connections.refused", "admin_disconnect")).isEqualTo(1.0);
      assertThat(counter(proxy, "vnc.proxy.viewers.closed", "admin_disconnect")).isZero();
    }
  }

  private static TestProxy proxy(ScriptedRfbServer server) {
    return TestProxy.start("--target", server.target(), "--session-id", "desk", "--flush-tick", "100ms");
  }

  /** The only connection of session {@code desk}, once it is the {@code n}th viewer opened. */
  private static ViewerConnection establishedViewer(TestProxy proxy, int n) {
    await().atMost(WAIT).until(() -> proxy.server().meterRegistry().get("vnc.proxy.viewers.opened").counters()
        .stream().mapToDouble(c -> c.count()).sum() == n);
    List<ViewerConnection> viewers = proxy.server().viewers().bySession("desk");
    assertThat(viewers).hasSize(1);
    return viewers.get(0);
  }

  /** Each of {@code reasons} closed exactly one viewer, and no other reason any. */
  private static void assertClosedOnce(TestProxy proxy, List<CloseReason> reasons) {
    await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 0);
    for (CloseReason r : CloseReason.values()) {
      assertThat(counter(proxy, "vnc.proxy.viewers.closed", r.label())).as(r.label())
          .isEqualTo(reasons.contains(r) ? 1.0 : 0.0);
    }
  }

  private static double counter(TestProxy proxy, String name, String reason) {
    return proxy.server().meterRegistry().get(name).tag("reason", reason).counter().count();
  }

  /** {@code id reason=…} of each {@code viewer close} line, in order. */
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

  /** {@code viewerId reason} of each {@code viewer.closed} event, in order. */
  private static List<String> closedEvents(EventFeed events) throws Exception {
    List<String> closed = new ArrayList<>();
    for (JsonNode e : events.ofType("viewer.closed")) {
      closed.add(e.get("viewerId").asText() + " " + e.get("reason").asText());
    }
    return closed;
  }
}
