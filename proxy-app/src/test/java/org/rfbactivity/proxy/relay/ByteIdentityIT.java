package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionCounter;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rfbactivity.proxy.testing.FragmentingWsTransport;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Received;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.ViewerTransport;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * What each side receives is byte for byte what the other sent (SHA-256 of whole streams), through the raw
 * TCP and the WebSocket frontends, with a scripted RFB server streaming 4 MiB while the client sends 256 KiB
 * of input messages.
 */
@ExtendWith(LeakWatch.class)
class ByteIdentityIT {

  static final int SERVER_BYTES = 4 * 1024 * 1024;
  static final int CLIENT_BYTES = 256 * 1024;

  final ExecutorService pool = Executors.newCachedThreadPool();
  final long seed = new SecureRandom().nextLong();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void rawTcp() throws Exception {
    RfbScript script = RfbScript.random(seed, SERVER_BYTES, CLIENT_BYTES);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk")) {
      try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
        assertIdentical(viewer, script, server);
      }
      assertRelayedBytes(proxy, script, 1);
    }
  }

  @Test
  void webSocket() throws Exception {
    RfbScript script = RfbScript.random(seed, SERVER_BYTES, CLIENT_BYTES);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk")) {
      try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
        assertIdentical(viewer, script, server);
      }
      assertRelayedBytes(proxy, script, 1);
    }
  }

  @Test
  void webSocketFragmentsContinuationsAndInterleavedPings() throws Exception {
    RfbScript script = RfbScript.random(seed, SERVER_BYTES / 4, CLIENT_BYTES);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk")) {
      try (FragmentingWsTransport viewer = FragmentingWsTransport.connect(proxy.ws(), "/websockify", seed)) {
        assertIdentical(viewer, script, server);
        assertThat(viewer.pingsSent()).as("seed %d", seed).isNotEmpty();
        // Answered with their payloads, in order, the last one always; of pings read together only the newest.
        assertThat(viewer.pingsSent()).as("seed %d", seed).containsSubsequence(viewer.pongsReceived());
        assertThat(viewer.pongsReceived()).doesNotHaveDuplicates()
            .endsWith(viewer.pingsSent().get(viewer.pingsSent().size() - 1));
      }
      assertRelayedBytes(proxy, script, 1);
    }
  }

  /**
   * The server's stream reaches a WebSocket viewer in whole binary frames (never fragmented), each with 1 to 64 KiB of
   * it, in order: the frames' payloads, put together, are the stream (the proxy coalesces a read burst into a frame
   * without copying it, docs/architecture.md#websocket-frames).
   */
  @Test
  void webSocketFramesAreWholeBinaryFramesWithinTheLimit() throws Exception {
    RfbScript script = RfbScript.random(seed, SERVER_BYTES, CLIENT_BYTES);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk")) {
      try (FragmentingWsTransport viewer = FragmentingWsTransport.connect(proxy.ws(), "/websockify", seed)) {
        assertIdentical(viewer, script, server);
        long total = 0;
        for (String frame : viewer.dataFrames()) {
          assertThat(frame).as("seed %d", seed).matches("binary fin \\d+");
          int length = Integer.parseInt(frame.substring("binary fin ".length()));
          assertThat(length).as("seed %d", seed).isBetween(1, 64 * 1024);
          total += length;
        }
        assertThat(total).isEqualTo(script.serverStream().length);
      }
      assertRelayedBytes(proxy, script, 1);
    }
  }

  /**
   * A viewer that stops reading while the server streams 64 MiB: the proxy stops reading the server once the viewer's
   * socket and its own high-water mark are full (it holds only a bounded amount), and every byte still arrives, in
   * order, when the viewer reads again.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tcp", "ws"})
  void aViewerThatStopsReadingHoldsTheServerBackAndLosesNothing(String frontend) throws Exception {
    int serverBytes = 64 * 1024 * 1024;
    RfbScript script = RfbScript.random(seed, serverBytes, 1024);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk");
        ViewerTransport viewer = frontend.equals("tcp") ? TcpTransport.connect(proxy.tcp())
            : FragmentingWsTransport.connect(proxy.ws(), "/websockify", seed)) {
      MessageDigest digest = ScriptedRfbClient.handshake(viewer, script);
      double[] last = {-1};
      await("the server held back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
        double now = relayed(proxy, "server_to_client");
        boolean stable = now == last[0];
        last[0] = now;
        return stable;
      });
      assertThat(last[0]).as("bytes taken from the server while the viewer read nothing")
          .isLessThan(serverBytes / 2.0);

      byte[] buf = new byte[64 * 1024];
      for (long total = 0; total < serverBytes; ) {
        int n = viewer.in().read(buf, 0, (int) Math.min(buf.length, serverBytes - total));
        assertThat(n).as("the stream ended early").isPositive();
        digest.update(buf, 0, n);
        total += n;
      }
      assertThat(HexFormat.of().formatHex(digest.digest())).as("seed %d", seed)
          .isEqualTo(RfbScript.sha256(script.serverStream()));
    }
  }

  @Test
  void eightViewersAtOnceOverBothFrontends() throws Exception {
    RfbScript script = RfbScript.random(seed, SERVER_BYTES / 4, CLIENT_BYTES / 4);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk")) {
      List<Future<String>> received = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        boolean tcp = i % 2 == 0;
        received.add(pool.submit(() -> {
          try (ViewerTransport viewer = tcp ? TcpTransport.connect(proxy.tcp())
              : WsTransport.connect(proxy.wsUri("/vnc/desk"), null)) {
            return ScriptedRfbClient.run(viewer, script, pool);
          }
        }));
      }
      for (Future<String> f : received) {
        assertThat(f.get(60, TimeUnit.SECONDS)).as("seed %d", seed).isEqualTo(RfbScript.sha256(script.serverStream()));
      }
      for (int i = 0; i < 8; i++) {
        Received r = server.nextReceived(Duration.ofSeconds(30));
        assertThat(r.error()).isNull();
        assertThat(r.sha256()).as("seed %d", seed).isEqualTo(RfbScript.sha256(script.clientStream()));
      }
      assertRelayedBytes(proxy, script, 8);
    }
  }

  private void assertIdentical(ViewerTransport viewer, RfbScript script, ScriptedRfbServer server) throws Exception {
    String clientReceived = ScriptedRfbClient.run(viewer, script, pool);
    assertThat(clientReceived).as("server→client stream, seed %d", seed)
        .isEqualTo(RfbScript.sha256(script.serverStream()));
    if (viewer instanceof FragmentingWsTransport fragmenting) {
      fragmenting.awaitPongs(); // before the close, which ends the reading
    }
    viewer.close();
    Received serverReceived = server.nextReceived(Duration.ofSeconds(30));
    assertThat(serverReceived).as("the server saw the viewer leave").isNotNull();
    assertThat(serverReceived.error()).isNull();
    assertThat(serverReceived.bytes()).isEqualTo(script.clientStream().length);
    assertThat(serverReceived.sha256()).as("client→server stream, seed %d", seed)
        .isEqualTo(RfbScript.sha256(script.clientStream()));
  }

  private static void assertRelayedBytes(TestProxy proxy, RfbScript script, int viewers) {
    assertThat(relayed(proxy, "server_to_client")).isEqualTo((double) viewers * script.serverStream().length);
    assertThat(relayed(proxy, "client_to_server")).isEqualTo((double) viewers * script.clientStream().length);
  }

  private static double relayed(TestProxy proxy, String direction) {
    FunctionCounter c = proxy.server().meterRegistry().get("vnc.proxy.relayed").tag("direction", direction)
        .functionCounter();
    return c.count();
  }
}
