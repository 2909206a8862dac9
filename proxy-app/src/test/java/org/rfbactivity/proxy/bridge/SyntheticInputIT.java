package org.rfbactivity.proxy.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * Through a real proxy on 127.0.0.1: a raw TCP viewer that only jiggles the pointer by 1 px and back every second
 * (docs/protocol.md#synthetic-input) lets its session turn CONNECTED_IDLE one active window (2 s) after its second
 * jiggle, and keeps it idle while it goes on jiggling; with {@code --count-synthetic true} it keeps it ACTIVE.
 */
@ExtendWith(LeakWatch.class)
class SyntheticInputIT {

  static final ObjectMapper JSON = new ObjectMapper();
  /** A test-sized period: long enough that the loaded test machine's jitter stays inside the 10 % tolerance. */
  static final long PERIOD_MS = 1000;

  final RfbScript script = RfbScript.random(23, 4096, 256);

  @Test
  void aJigglingViewerTurnsIdle() throws Exception {
    ScheduledExecutorService jiggler = Executors.newSingleThreadScheduledExecutor();
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--active-window", "2s", "--persist-interval", "1s", "--flush-tick", "100ms");
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      ScriptedRfbClient.handshake(viewer, script);
      viewer.write(pointerEvent(500, 400), 0, 6);
      jiggler.scheduleAtFixedRate(() -> jiggle(viewer), PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(15)).until(() -> "CONNECTED_IDLE".equals(session(proxy).get("state").asText()));
      // Still jiggling, still idle: each jiggle is SYNTHETIC.
      long synthetic = session(proxy).get("inputCounts").get("SYNTHETIC").asLong();
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
          .until(() -> "CONNECTED_IDLE".equals(session(proxy).get("state").asText()));
      JsonNode after = session(proxy);
      assertThat(after.get("inputCounts").get("SYNTHETIC").asLong()).isGreaterThanOrEqualTo(synthetic + 4);
      // The first position and the first two jiggles (out and back) counted, nothing after them.
      assertThat(after.get("inputCounts").get("POINTER_MOVE").asLong()).isEqualTo(5);
      assertThat(after.get("lastInputKind").asText()).isEqualTo("POINTER_MOVE");
    } finally {
      jiggler.shutdownNow();
    }
  }

  @Test
  void countingSyntheticInputKeepsTheJigglerActive() throws Exception {
    ScheduledExecutorService jiggler = Executors.newSingleThreadScheduledExecutor();
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--active-window", "2s", "--persist-interval", "1s", "--flush-tick", "100ms",
            "--count-synthetic", "true");
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      ScriptedRfbClient.handshake(viewer, script);
      viewer.write(pointerEvent(500, 400), 0, 6);
      jiggler.scheduleAtFixedRate(() -> jiggle(viewer), PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(15))
          .until(() -> session(proxy).get("inputCounts").get("SYNTHETIC").asLong() >= 4);
      await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
          .until(() -> "ACTIVE".equals(session(proxy).get("state").asText()));
      assertThat(session(proxy).get("lastInputKind").asText()).isEqualTo("SYNTHETIC");
    } finally {
      jiggler.shutdownNow();
    }
  }

  /** 1 px right and back in one write, as a jiggler's timer does. */
  private static void jiggle(TcpTransport viewer) {
    byte[] out = pointerEvent(501, 400);
    byte[] back = pointerEvent(500, 400);
    byte[] both = new byte[12];
    System.arraycopy(out, 0, both, 0, 6);
    System.arraycopy(back, 0, both, 6, 6);
    try {
      viewer.write(both, 0, both.length);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** PointerEvent: U8 type 5, U8 button mask, U16 x, U16 y (docs/protocol.md#pointerevent). */
  private static byte[] pointerEvent(int x, int y) {
    return new byte[] {5, 0, (byte) (x >> 8), (byte) x, (byte) (y >> 8), (byte) y};
  }

  private static JsonNode session(TestProxy proxy) throws Exception {
    return JSON.readTree(proxy.admin("/api/sessions/desk").body());
  }
}
