package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.ProxyServer;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.ProxyConfig;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.config.StoreMode;
import org.rfbactivity.proxy.testing.FragmentingWsTransport;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Received;

/**
 * The per-viewer frame budget: a viewer that sends 30,000 one-byte frames at once (three times the burst, in far less
 * than the four seconds the rate would need to refill it) is closed as {@code frame_flood} by a proxy configured as the
 * command line configures it, and relayed byte for byte by one built without a budget, as the relay benchmark builds
 * it.
 */
@ExtendWith(LeakWatch.class)
class FrameBudgetIT {

  static final int FRAMES = 30_000;
  /** A masked binary frame (key 0) carrying one zero byte: 20 of them make a SetPixelFormat message. */
  static final byte[] ONE_BYTE_FRAME = {(byte) 0x82, (byte) 0x81, 0, 0, 0, 0, 0};

  final long seed = new SecureRandom().nextLong();
  static final int SERVER_PAYLOAD = 1024;

  final RfbScript script = RfbScript.random(seed, SERVER_PAYLOAD, 0);
  ScriptedRfbServer server;
  ProxyServer proxy;

  @BeforeEach
  void startServer() throws Exception {
    server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    server.close();
  }

  @Test
  void withTheBudgetAViewerSendingFramesFasterThanItAllowsIsClosedAsAFlood() throws Exception {
    proxy = start(true);
    sendFramesAndLeave();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closed("frame_flood")).isEqualTo(1.0));
    Received received = server.nextReceived(Duration.ofSeconds(30));
    assertThat(received.bytes()).as("the handshake and not every frame's byte reached the server")
        .isBetween((long) script.clientStream().length, (long) script.clientStream().length + FRAMES - 1);
  }

  @Test
  void withoutTheBudgetEveryFrameIsRelayed() throws Exception {
    proxy = start(false);
    assertThat(sendFramesAndLeave()).as("the proxy took every frame").isTrue();
    Received received = server.nextReceived(Duration.ofSeconds(30));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(script.clientStream());
    expected.writeBytes(new byte[FRAMES]);
    assertThat(received.error()).isNull();
    assertThat(received.bytes()).isEqualTo(expected.size());
    assertThat(received.sha256()).as("seed %d", seed).isEqualTo(RfbScript.sha256(expected.toByteArray()));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closed("client_closed")).isEqualTo(1.0));
    assertThat(closed("frame_flood")).isZero();
  }

  /**
   * Handshakes and reads what the server sends (so that leaving is a FIN, not a reset that could discard bytes the
   * proxy has not read yet), writes the frames in one go, then leaves; returns whether the proxy took them all.
   */
  private boolean sendFramesAndLeave() throws Exception {
    FragmentingWsTransport viewer = FragmentingWsTransport.connect(proxy.wsAddress(), "/websockify", seed);
    try {
      ScriptedRfbClient.handshake(viewer, script);
      assertThat(viewer.in().readNBytes(SERVER_PAYLOAD)).hasSize(SERVER_PAYLOAD);
      byte[] frames = new byte[FRAMES * ONE_BYTE_FRAME.length];
      for (int i = 0; i < FRAMES; i++) {
        System.arraycopy(ONE_BYTE_FRAME, 0, frames, i * ONE_BYTE_FRAME.length, ONE_BYTE_FRAME.length);
      }
      try {
        viewer.socket().getOutputStream().write(frames);
        viewer.socket().getOutputStream().flush();
        return true;
      } catch (IOException closedByTheProxy) {
        return false;
      }
    } finally {
      viewer.socket().close(); // no Close frame: a viewer that simply leaves
    }
  }

  private ProxyServer start(boolean frameBudget) {
    ProxyServer started = new ProxyServer(ProxyConfig.builder()
        .tcpListen(null)
        .wsListen(new HostPort("127.0.0.1", 0))
        .adminListen(null)
        .routing(new Routing.Static("desk", new HostPort("127.0.0.1", server.port())))
        .store(StoreMode.MEMORY)
        .frameBudget(frameBudget)
        .build());
    started.start();
    return started;
  }

  private double closed(String reason) {
    return proxy.meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", reason).counter().count();
  }
}
