package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * A viewer's close reason names the side that finished first, whatever the other side does afterwards: a viewer that
 * hangs up normally is {@code client_closed} (before, on raw TCP, the server's answering FIN made it
 * {@code server_closed}), a server that shuts down is {@code server_closed} (even though the viewer then closes too),
 * and a reset is the resetting side's error.
 */
@ExtendWith(LeakWatch.class)
class CloseReasonIT {

  final RfbScript script = RfbScript.random(5, 8 * 1024, 256);

  @Test
  void aRawTcpViewerThatHangsUpIsClientClosed() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server)) {
      for (int i = 0; i < 5; i++) {
        try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
          ScriptedRfbClient.handshake(viewer, script);
        }
      }
      assertClosed(proxy, "client_closed", 5);
    }
  }

  @Test
  void aWebSocketViewerThatClosesIsClientClosed() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server)) {
      try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
        ScriptedRfbClient.handshake(viewer, script);
      }
      assertClosed(proxy, "client_closed", 1);
    }
  }

  @Test
  void aServerThatShutsDownIsServerClosedOnBothFrontends() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT_THEN_CLOSE);
        TestProxy proxy = proxy(server)) {
      try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
        ScriptedRfbClient.handshake(viewer, script);
        assertThat(viewer.in().readAllBytes()).as("the server's payload, then its FIN, passed on").hasSize(8 * 1024);
      } // ... after which the viewer closes too
      try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
        ScriptedRfbClient.handshake(viewer, script);
        assertThat(viewer.in().readAllBytes()).as("the server's payload, then the Close frame").hasSize(8 * 1024);
      }
      assertClosed(proxy, "server_closed", 2);
    }
  }

  /** Once everything was relayed, a reset is read as the resetting side's error. */
  @Test
  void aViewersResetIsClientError() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server)) {
      TcpTransport viewer = TcpTransport.connect(proxy.tcp());
      ScriptedRfbClient.run(viewer, script, pool);
      viewer.abort();
      assertClosed(proxy, "client_error", 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aServersResetIsServerError() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT_THEN_RESET);
        TestProxy proxy = proxy(server);
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      ScriptedRfbClient.handshake(viewer, script);
      assertClosed(proxy, "server_error", 1);
    }
  }

  private static TestProxy proxy(ScriptedRfbServer server) {
    return TestProxy.start("--target", server.target(), "--session-id", "desk");
  }

  /** Every close so far had this reason, {@code count} times. */
  private static void assertClosed(TestProxy proxy, String reason, int count) {
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      for (CloseReason r : CloseReason.values()) {
        assertThat(proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", r.label())
            .counter().count()).as("closed with %s", r.label()).isEqualTo(r.label().equals(reason) ? count : 0.0);
      }
    });
  }
}
