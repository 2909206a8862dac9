package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.TransportKind;
import org.rfbactivity.proxy.relay.Transport;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.ProxyProcess;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * {@code --transport}: {@code auto} takes epoll where it works, else NIO, each one that works relays whole
 * sessions byte for byte on both frontends, and a named one that does not work stops the start (exit status 2, a setting that cannot work) with Netty's reason
 * while {@code auto} falls back to NIO (native transports disabled in a proxy process of its own with Netty's
 * {@code -Dio.netty.transport.noNative=true}, as on a machine without the native libraries).
 */
@ExtendWith(LeakWatch.class)
class TransportIT {

  static final List<String> NO_NATIVE = List.of("-Dio.netty.transport.noNative=true");

  final long seed = new SecureRandom().nextLong();

  @Test
  void autoTakesEpollWhereItWorksElseNio() {
    assertThat(Transport.choose(TransportKind.AUTO)).isEqualTo(Transport.EPOLL.isAvailable() ? Transport.EPOLL
        : Transport.NIO);
    if (System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
        && System.getProperty("os.arch").equals("amd64")) {
      // The proxy ships the Linux x86-64 libraries: epoll always loads there (io_uring may be refused by the kernel).
      assertThat(Transport.EPOLL.isAvailable()).as(Transport.EPOLL.unavailabilityCause()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void everyTransportThatWorksHereRelaysWholeSessionsOnBothFrontends(Transport transport) throws Exception {
    if (!transport.isAvailable()) {
      assertThatThrownBy(() -> Transport.choose(TransportKind.valueOf(transport.name())))
          .isInstanceOf(ConfigException.class).hasMessageContaining("--transport")
          .hasMessageContaining("not available here");
      return;
    }
    RfbScript script = RfbScript.random(seed, 256 * 1024, 16 * 1024);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--transport", transport.label())) {
      for (boolean tcp : new boolean[] {true, false}) {
        try (var viewer = tcp ? TcpTransport.connect(proxy.tcp()) : WsTransport.connect(proxy.wsUri("/websockify"),
            null)) {
          assertThat(ScriptedRfbClient.run(viewer, script, ForkJoinPool.commonPool()))
              .as("%s %s, seed %d", transport, tcp ? "tcp" : "ws", seed)
              .isEqualTo(RfbScript.sha256(script.serverStream()));
        }
        ScriptedRfbServer.Received received = server.nextReceived(Duration.ofSeconds(30));
        assertThat(received.sha256()).as("%s %s, seed %d", transport, tcp ? "tcp" : "ws", seed)
            .isEqualTo(RfbScript.sha256(script.clientStream()));
      }
      assertThat(proxy.admin("/metrics").body())
          .contains("vnc_proxy_transport_info{transport=\"" + transport.label() + "\"} 1");
    }
  }

  @Test
  void withoutNativeLibrariesANamedNativeTransportStopsTheStartAndAutoFallsBackToNio(@TempDir Path dir)
      throws Exception {
    for (String named : List.of("epoll", "io_uring")) {
      try (ProxyProcess proxy = ProxyProcess.start(dir.resolve(named + ".log"), NO_NATIVE, "--target",
          "127.0.0.1:5901", "--session-id", "desk", "--store", "memory", "--tcp-listen", "127.0.0.1:0",
          "--ws-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--transport", named)) {
        assertThat(proxy.awaitExit(Duration.ofSeconds(30))).as(proxy.output()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(proxy.output()).contains("--transport").contains(named).contains("not available here")
            .contains("noNative").doesNotContain("rfb-activity-proxy ready");
      }
    }
    try (ProxyProcess proxy = ProxyProcess.start(dir.resolve("auto.log"), NO_NATIVE, "--target", "127.0.0.1:5901",
        "--session-id", "desk", "--store", "memory", "--tcp-listen", "127.0.0.1:0", "--ws-listen", "127.0.0.1:0",
        "--admin-listen", "127.0.0.1:0")) {
      assertThat(proxy.awaitReady(Duration.ofSeconds(30)).transport()).isEqualTo("nio");
      assertThat(proxy.splice()).as("--splice auto on a transport that cannot splice").isEqualTo("off");
    }
  }
}
