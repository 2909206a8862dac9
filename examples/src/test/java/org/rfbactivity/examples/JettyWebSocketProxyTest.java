package org.rfbactivity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.examples.jetty.JettyWebSocketProxy;
import org.rfbactivity.examples.jetty.JettyWebSocketProxy.Console;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * The Jetty WebSocket proxy between a WebSocket viewer (the JDK's client, binary messages as noVNC sends them) and a
 * real Xvnc, inspected through the transport-neutral entry point: the session goes idle, active, disconnected.
 */
class JettyWebSocketProxyTest {

  @Test
  void aWebSocketViewerIsIdleThenActiveThenDisconnected() throws Exception {
    IdleActiveDisconnected scenario = new IdleActiveDisconnected(new ManualTime(Instant.parse("2026-12-01T09:00:00Z")));
    ActivityTracker tracker = scenario.startedTracker();
    try (XvncServer vnc = XvncServer.startWithoutAuth(640, 480);
        JettyWebSocketProxy proxy = new JettyWebSocketProxy(tracker,
            Map.of("t0ken", new Console("desk-2", new InetSocketAddress("127.0.0.1", vnc.port()))),
            new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress listening = proxy.start();
      URI uri = URI.create("ws://127.0.0.1:" + listening.getPort() + JettyWebSocketProxy.PATH + "?token=t0ken");
      try (TestViewer viewer = new TestViewer(ViewerTransport.webSocket(uri)).handshake()) {
        scenario.awaitTransitions(1);
        scenario.windowPasses();
        scenario.awaitTransitions(2);
        viewer.type('a');
        scenario.awaitTransitions(3);
      }
      scenario.assertIdleThenActiveThenDisconnected("desk-2");
      assertThat(scenario.transitions.all().get(0).causeViewerId()).isEqualTo("ws-1");
    } finally {
      tracker.close();
    }
  }

  @Test
  void anUnknownTokenIsRefusedBeforeAnyByteReachesAServer() throws Exception {
    IdleActiveDisconnected scenario = new IdleActiveDisconnected(new ManualTime(Instant.parse("2026-12-01T09:00:00Z")));
    ActivityTracker tracker = scenario.startedTracker();
    try (JettyWebSocketProxy proxy = new JettyWebSocketProxy(tracker,
        Map.of("t0ken", new Console("desk-2", new InetSocketAddress("127.0.0.1", 9))),
        new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress listening = proxy.start();
      URI uri = URI.create("ws://127.0.0.1:" + listening.getPort() + JettyWebSocketProxy.PATH + "?token=other");
      assertThatThrownBy(() -> ViewerTransport.webSocket(uri)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
              refused -> assertThat(refused.getResponse().statusCode()).isEqualTo(403));
      assertThat(tracker.snapshots()).isEmpty();
    } finally {
      tracker.close();
    }
  }
}
