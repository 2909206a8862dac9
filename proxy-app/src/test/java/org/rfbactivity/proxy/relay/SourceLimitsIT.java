package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.Sockets;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * A client address over --max-connections-per-ip or --max-connect-rate-per-ip is refused on both frontends before
 * anything is routed, so the VNC server never sees it; other addresses are not affected. Clients bind distinct
 * loopback addresses (127.0.0.2, 127.0.0.3), which Linux routes to the proxy on 127.0.0.1.
 */
@ExtendWith(LeakWatch.class)
class SourceLimitsIT {

  final RfbScript script = RfbScript.random(23, 1024, 64);

  @Test
  void anAddressMayHoldItsLimitAndNoMore() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.BANNER_ONLY);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--max-connections-per-ip", "2");
        Socket a = Sockets.connectFrom(proxy.tcp(), "127.0.0.2");
        Socket b = Sockets.connectFrom(proxy.tcp(), "127.0.0.2")) {
      assertThat(a.getInputStream().readNBytes(12)).hasSize(12);
      assertThat(b.getInputStream().readNBytes(12)).hasSize(12);
      try (Socket third = Sockets.connectFrom(proxy.tcp(), "127.0.0.2")) {
        assertThat(third.getInputStream().read()).as("closed without a banner").isEqualTo(-1);
      }
      try (Socket webSocket = Sockets.connectFrom(proxy.ws(), "127.0.0.2")) {
        assertThat(webSocket.getInputStream().read()).as("the limit covers both frontends").isEqualTo(-1);
      }
      try (Socket other = Sockets.connectFrom(proxy.tcp(), "127.0.0.3")) {
        assertThat(other.getInputStream().readNBytes(12)).as("another address").hasSize(12);
      }
      assertThat(refused(proxy, "ip_limit")).isEqualTo(2.0);
      assertThat(server.accepted()).as("refused before the VNC server was contacted").isEqualTo(3);
    }
  }

  @Test
  void anAddressThatConnectsFasterThanItsRateIsRefused() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.BANNER_ONLY);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--max-connect-rate-per-ip", "1")) {
      int burst = ConnectionLimits.BURST_SECONDS; // 1 a second, 2 at once
      for (int i = 0; i < burst; i++) {
        try (Socket s = Sockets.connectFrom(proxy.tcp(), "127.0.0.2")) {
          assertThat(s.getInputStream().readNBytes(12)).hasSize(12);
        }
      }
      try (Socket s = Sockets.connectFrom(proxy.tcp(), "127.0.0.2")) {
        assertThat(s.getInputStream().read()).as("over the rate").isEqualTo(-1);
      }
      try (Socket other = Sockets.connectFrom(proxy.tcp(), "127.0.0.3")) {
        assertThat(other.getInputStream().readNBytes(12)).as("another address").hasSize(12);
      }
      assertThat(refused(proxy, "ip_rate")).isEqualTo(1.0);
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
        try (Socket s = Sockets.connectFrom(proxy.tcp(), "127.0.0.2")) {
          return s.getInputStream().readNBytes(12).length == 12;
        }
      });
    }
  }

  private static double refused(TestProxy proxy, String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", reason).counter().count();
  }
}
