package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Received;
import org.rfbactivity.proxy.testing.SilentWsViewer;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * {@code --ws-ping-interval} and {@code --ws-pong-timeout} ({@link WebSocketPing}), with short timings: a WebSocket
 * viewer that stops answering (a raw client that never sends a Pong) is pinged once after the interval and closed
 * with {@code no_pong} (4007) a pong timeout later, and its session is DISCONNECTED within interval + pong timeout +
 * one tracker tick of its last bytes; a viewer that answers (the JDK client pongs by itself) stays. Pings and pongs
 * never reach the VNC server: it receives exactly the viewer's handshake bytes.
 */
@ExtendWith(LeakWatch.class)
class WebSocketPingIT {

  static final Duration INTERVAL = Duration.ofMillis(300);
  static final Duration PONG_TIMEOUT = Duration.ofMillis(300);
  static final Duration TICK = Duration.ofMillis(100);
  /** What a loaded two-core machine may add to a timer, a flush and a poll. */
  static final Duration SLACK = Duration.ofSeconds(1);
  static final int SERVER_BYTES = 2 * 1024;
  static final ObjectMapper JSON = new ObjectMapper();

  /** FramebufferUpdateRequest, incremental, the whole 1024×768 screen (docs/protocol.md#framebufferupdaterequest). */
  static final byte[] UPDATE_REQUEST = {
      3,                      // message type
      1,                      // incremental
      0, 0, 0, 0,             // x, y
      0x04, 0x00, 0x03, 0x00  // width 1024, height 768
  };

  final RfbScript script = RfbScript.random(23, SERVER_BYTES, 64);
  final Received handshakeOnly = new Received(RfbScript.sha256(Arrays.copyOf(script.clientStream(), 14)), 14, null);

  @Test
  void aViewerThatNeverAnswersIsClosedWithNoPongAndItsSessionDisconnects() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server);
        SilentWsViewer viewer = SilentWsViewer.connect(proxy.ws(), "/websockify")) {
      ScriptedRfbClient.handshake(viewer, script);
      long lastSent = viewer.lastSentNanos();
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
      await().atMost(SLACK.multipliedBy(5)).until(() -> !"DISCONNECTED".equals(state(proxy)));

      assertThat(viewer.in().read()).as("the end, at the proxy's Close frame").isEqualTo(-1);

      SilentWsViewer.Close close = viewer.closeFrame();
      assertThat(close.code()).isEqualTo(4007);
      assertThat(close.reason()).isEqualTo("no pong");
      assertThat(viewer.endOfStream()).as("then the connection's end").isTrue();
      assertThat(viewer.pings()).as("one ping, empty").hasSize(1);
      SilentWsViewer.Ping ping = viewer.pings().get(0);
      assertThat(ping.payload()).isEmpty();
      assertThat(Duration.ofNanos(ping.arrivedNanos() - lastSent)).as("pinged after the interval")
          .isGreaterThanOrEqualTo(INTERVAL);
      assertThat(Duration.ofNanos(close.arrivedNanos() - ping.arrivedNanos())).as("closed after the pong timeout")
          .isGreaterThanOrEqualTo(PONG_TIMEOUT.minusMillis(50)); // the ping may reach the client late
      assertThat(Duration.ofNanos(close.arrivedNanos() - lastSent)).as("closed within interval + pong timeout")
          .isGreaterThanOrEqualTo(INTERVAL.plus(PONG_TIMEOUT)).isLessThan(INTERVAL.plus(PONG_TIMEOUT).plus(SLACK));

      await().atMost(TICK.plus(SLACK)).pollInterval(Duration.ofMillis(20))
          .until(() -> "DISCONNECTED".equals(state(proxy)));
      assertThat(Duration.ofNanos(System.nanoTime() - lastSent)).as("DISCONNECTED within interval + timeout + tick")
          .isLessThan(INTERVAL.plus(PONG_TIMEOUT).plus(TICK).plus(SLACK));
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.viewers.closed")
          .tag("reason", CloseReason.NO_PONG.label()).counter().count()).isEqualTo(1.0);
      assertThat(server.nextReceived(Duration.ofSeconds(10))).as("nothing but the handshake reached the server")
          .isEqualTo(handshakeOnly);
    }
  }

  @Test
  void aViewerThatAnswersPingsStaysConnected() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server)) {
      try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
        ScriptedRfbClient.handshake(viewer, script);
        assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);

        await().atMost(Duration.ofSeconds(20)).until(() -> viewer.pings() >= 6);

        assertThat(viewer.closeCode()).as("still open after six intervals").isNotDone();
        assertThat(proxy.server().connectedViewers()).isEqualTo(1);
        assertThat(state(proxy)).isNotEqualTo("DISCONNECTED");
        assertThat(proxy.server().meterRegistry().get("vnc.proxy.viewers.closed")
            .tag("reason", CloseReason.NO_PONG.label()).counter().count()).isZero();
      }
      assertThat(server.nextReceived(Duration.ofSeconds(10))).as("the pongs did not reach the server")
          .isEqualTo(handshakeOnly);
    }
  }

  /** Pings go to quiet viewers only: one that sends every third of an interval is never pinged, until it stops. */
  @Test
  void aViewerThatKeepsSendingIsNotPinged() throws Exception {
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = proxy(server);
        SilentWsViewer viewer = SilentWsViewer.connect(proxy.ws(), "/websockify")) {
      ScriptedRfbClient.handshake(viewer, script);
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
      Future<Integer> end = reader.submit(() -> viewer.in().read()); // records pings while it waits for the end
      AtomicInteger sent = new AtomicInteger();
      ScheduledFuture<?> requests = sender.scheduleAtFixedRate(() -> {
        try {
          viewer.write(UPDATE_REQUEST, 0, UPDATE_REQUEST.length);
          sent.incrementAndGet();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, 0, INTERVAL.toMillis() / 3, TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() >= 15); // five intervals
      requests.cancel(false);
      assertThat(viewer.pings()).as("not pinged while it sent").isEmpty();

      await().atMost(INTERVAL.plus(SLACK)).until(() -> viewer.pings().size() == 1);
      assertThat(end.get(INTERVAL.plus(PONG_TIMEOUT).plus(SLACK).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(-1);
      assertThat(viewer.closeFrame().code()).isEqualTo(4007);
    } finally {
      sender.shutdownNow();
      reader.shutdownNow();
    }
  }

  @Test
  void zeroTurnsPingsOff() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--ws-ping-interval", "0", "--ws-pong-timeout", "100ms");
        SilentWsViewer viewer = SilentWsViewer.connect(proxy.ws(), "/websockify")) {
      ScriptedRfbClient.handshake(viewer, script);
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
      // Still open well after a pong timeout would have ended it: a ping is the only frame it could be sent.
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
          .until(() -> proxy.server().connectedViewers() == 1);
      assertThat(viewer.available()).as("no ping was sent").isZero();
    }
  }

  private static TestProxy proxy(ScriptedRfbServer server) {
    return TestProxy.start("--target", server.target(), "--session-id", "desk",
        "--ws-ping-interval", INTERVAL.toMillis() + "ms", "--ws-pong-timeout", PONG_TIMEOUT.toMillis() + "ms",
        "--flush-tick", TICK.toMillis() + "ms");
  }

  private static String state(TestProxy proxy) throws Exception {
    return JSON.readTree(proxy.admin("/api/sessions/desk").body()).get("state").asText();
  }
}
