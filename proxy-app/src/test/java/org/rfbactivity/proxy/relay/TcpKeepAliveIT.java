package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * {@code --tcp-keepalive-idle/-interval/-count} on every transport that works here: read back from the sockets of
 * both frontends and of their VNC server connections (each transport's own options, read through the channel's
 * getsockopt), the defaults, given values, and 0 turning keep-alive off.
 */
class TcpKeepAliveIT {

  final RfbScript script = RfbScript.random(31, 1024, 64);

  /** SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT of one socket. */
  record KeepAlive(boolean on, int idle, int interval, int count) {}

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theDefaultsFindADeadPeerInAboutAMinute(Transport transport) throws Exception {
    Assumptions.assumeTrue(transport.isAvailable(), transport + " does not work here");
    assertThat(keepAliveOfEverySocket(transport)).containsExactly(
        new KeepAlive(true, 30, 10, 3), new KeepAlive(true, 30, 10, 3),
        new KeepAlive(true, 30, 10, 3), new KeepAlive(true, 30, 10, 3));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void givenValuesAreSetOnEverySocket(Transport transport) throws Exception {
    Assumptions.assumeTrue(transport.isAvailable(), transport + " does not work here");
    assertThat(keepAliveOfEverySocket(transport, "--tcp-keepalive-idle", "45s", "--tcp-keepalive-interval", "7s",
        "--tcp-keepalive-count", "4")).containsOnly(new KeepAlive(true, 45, 7, 4)).hasSize(4);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void zeroIdleTurnsKeepAliveOff(Transport transport) throws Exception {
    Assumptions.assumeTrue(transport.isAvailable(), transport + " does not work here");
    assertThat(keepAliveOfEverySocket(transport, "--tcp-keepalive-idle", "0"))
        .extracting(KeepAlive::on).containsExactly(false, false, false, false);
  }

  /** Raw TCP frontend, its backend, WebSocket frontend, its backend: each read on its event loop. */
  private List<KeepAlive> keepAliveOfEverySocket(Transport transport, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--transport", transport.label()));
    all.addAll(List.of(args));
    List<KeepAlive> found = new ArrayList<>();
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start(withTarget(server, all))) {
      try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
        ScriptedRfbClient.handshake(viewer, script);
        ViewerConnection connection = onlyViewer(proxy);
        found.add(read(connection.frontend()));
        found.add(read(connection.backend()));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
      try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
        ScriptedRfbClient.handshake(viewer, script);
        ViewerConnection connection = onlyViewer(proxy);
        found.add(read(connection.frontend()));
        found.add(read(connection.backend()));
      }
    }
    return found;
  }

  private static String[] withTarget(ScriptedRfbServer server, List<String> args) {
    List<String> all = new ArrayList<>(List.of("--target", server.target(), "--session-id", "desk"));
    all.addAll(args);
    return all.toArray(String[]::new);
  }

  private static ViewerConnection onlyViewer(TestProxy proxy) {
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().viewers().bySession("desk").size() == 1);
    return proxy.server().viewers().bySession("desk").get(0);
  }

  private static KeepAlive read(Channel ch) throws Exception {
    return ch.eventLoop().submit(() -> {
      boolean on = ch.config().getOption(ChannelOption.SO_KEEPALIVE);
      List<ChannelOption<Integer>> tuning = tuningOf(ch);
      return new KeepAlive(on, ch.config().getOption(tuning.get(0)), ch.config().getOption(tuning.get(1)),
          ch.config().getOption(tuning.get(2)));
    }).get(5, TimeUnit.SECONDS);
  }

  /** Each transport's own options, chosen here by the channel's class rather than by the code under test. */
  private static List<ChannelOption<Integer>> tuningOf(Channel ch) {
    if (ch instanceof EpollSocketChannel) {
      return List.of(EpollChannelOption.TCP_KEEPIDLE, EpollChannelOption.TCP_KEEPINTVL,
          EpollChannelOption.TCP_KEEPCNT);
    }
    if (ch instanceof IoUringSocketChannel) {
      return List.of(IoUringChannelOption.TCP_KEEPIDLE, IoUringChannelOption.TCP_KEEPINTVL,
          IoUringChannelOption.TCP_KEEPCNT);
    }
    if (ch instanceof NioSocketChannel) {
      return List.of(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE),
          NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL),
          NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT));
    }
    throw new AssertionError("unexpected channel " + ch.getClass().getSimpleName().toLowerCase(Locale.ROOT));
  }
}
