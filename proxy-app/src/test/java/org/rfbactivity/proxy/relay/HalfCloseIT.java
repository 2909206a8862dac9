package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * TCP half-close through the raw TCP frontend: a side that shuts down its output (FIN) may still read, and whatever
 * the other side sends afterwards reaches it, byte for byte, before both connections close. A side that never finishes
 * after the other did is closed after the drain timeout.
 */
@ExtendWith(LeakWatch.class)
class HalfCloseIT {

  static final byte[] BANNER = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  final ExecutorService pool = Executors.newCachedThreadPool();
  ServerSocket vnc;
  TestProxy proxy;

  @BeforeEach
  void start() throws Exception {
    vnc = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    proxy = TestProxy.start("--target", "127.0.0.1:" + vnc.getLocalPort(), "--session-id", "desk");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    vnc.close();
    pool.shutdownNow();
  }

  @Test
  void theServerAnswersAViewerThatHasHalfClosed() throws Exception {
    Future<byte[]> serverGot = pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        OutputStream out = s.getOutputStream();
        out.write(BANNER);
        byte[] got = s.getInputStream().readAllBytes();       // until the viewer's FIN
        out.write(("answer after FIN: " + got.length + " bytes").getBytes(StandardCharsets.US_ASCII));
        return got;
      }
    });
    try (Socket viewer = new Socket()) {
      viewer.connect(proxy.tcp(), 5000);
      viewer.setSoTimeout(10_000);
      assertThat(viewer.getInputStream().readNBytes(12)).isEqualTo(BANNER);
      viewer.getOutputStream().write(BANNER);
      viewer.shutdownOutput();

      assertThat(new String(viewer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
          .as("what the server sent after the viewer's FIN, then the end").isEqualTo("answer after FIN: 12 bytes");
    }
    assertThat(serverGot.get(10, TimeUnit.SECONDS)).isEqualTo(BANNER);
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
  }

  @Test
  void aViewerThatIgnoresTheServersEndIsClosedAfterTheDrainTimeout() throws Exception {
    pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        s.getOutputStream().write(BANNER);
        s.shutdownOutput();
        return s.getInputStream().readAllBytes();
      }
    });
    try (Socket viewer = new Socket()) {
      viewer.connect(proxy.tcp(), 5000);
      viewer.setSoTimeout(10_000);
      assertThat(viewer.getInputStream().readAllBytes()).isEqualTo(BANNER);
      // ... and neither sends nor closes.
      await().atMost(GracefulClose.DRAIN_TIMEOUT.plusSeconds(8))
          .until(() -> proxy.server().connectedViewers() == 0);
    }
    // Only a banner was exchanged: never a viewer, so it ends as a failed handshake.
    assertThat(proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", "handshake_failed")
        .counter().count()).isEqualTo(1.0);
  }

  @Test
  void theViewerAnswersAServerThatHasHalfClosed() throws Exception {
    Future<byte[]> serverGot = pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        s.getOutputStream().write(BANNER);
        s.shutdownOutput();
        return s.getInputStream().readAllBytes();             // until the viewer's FIN
      }
    });
    byte[] late = "sent after the server's FIN".getBytes(StandardCharsets.US_ASCII);
    try (Socket viewer = new Socket()) {
      viewer.connect(proxy.tcp(), 5000);
      viewer.setSoTimeout(10_000);
      assertThat(viewer.getInputStream().readAllBytes()).as("the banner, then the server's FIN").isEqualTo(BANNER);
      viewer.getOutputStream().write(late);
      viewer.shutdownOutput();
      assertThat(viewer.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(serverGot.get(10, TimeUnit.SECONDS)).as("what the viewer sent after the server's FIN").isEqualTo(late);
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
  }
}
