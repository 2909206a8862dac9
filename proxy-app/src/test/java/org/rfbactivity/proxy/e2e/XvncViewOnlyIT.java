package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.shinyhut.vernacular.client.VernacularClient;
import com.shinyhut.vernacular.client.VernacularConfig;
import com.shinyhut.vernacular.client.exceptions.VncException;
import com.shinyhut.vernacular.client.rendering.ColorDepth;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.XevLog;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * View-only with a real TigerVNC Xvnc (docs/architecture.md#input-permissions). vernacular moves, clicks, scrolls,
 * types and pastes through a {@code --view-only} proxy: {@code xev -root} on the Xvnc display sees none of it (and
 * sees it all through a proxy without the flag, so it can tell), the dropped counts are exact per class, and the
 * session turns and stays CONNECTED_IDLE while framebuffer updates keep flowing. A view-only viewer that picks
 * VeNCrypt TLS on an Xvnc offering it is refused {@code cannot_enforce} before TLS starts.
 */
@ExtendWith(LeakWatch.class)
class XvncViewOnlyIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void aViewOnlyViewersInputNeverReachesXvncAndItsSessionStaysIdle() throws Exception {
    XevLog.requireExecutables();
    try (XvncServer xvnc = XvncServer.startWithoutAuth(640, 480)) {
      xvnc.startX11Client("xclock", "-update", "1");
      try (XevLog events = XevLog.start(xvnc, dir.resolve("xev.log"))) {
        viewOnly(xvnc, events);
      }
    }
  }

  private void viewOnly(XvncServer xvnc, XevLog events) throws Exception {
    // Control: without the flag the same actions reach the X server, so xev can tell.
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk");
        Viewer viewer = new Viewer(proxy)) {
      // acting again until xev, which starts beside the viewer, has seen it
      await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        viewer.act();
        assertThat(events.text())
            .contains("MotionNotify", "ButtonPress", "ButtonRelease", "KeyPress", "KeyRelease");
      });
    }
    long seen = events.mark();

    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk",
        "--view-only", "--active-window", "2s", "--persist-interval", "1s", "--flush-tick", "100ms");
        Viewer viewer = new Viewer(proxy)) {
      await().atMost(WAIT).until(() -> "CONNECTED_IDLE".equals(state(proxy)));
      viewer.act();
      // vernacular: a move (motion), a click and a wheel notch (press and release each: buttons), "a" typed
      // (down and up), one ClientCutText
      Map<String, Long> expected = new TreeMap<>(Map.of("keys", 2L, "pointer-motion", 1L, "pointer-buttons", 4L,
          "clipboard", 1L, "desktop-resize", 0L, "xvp", 0L));
      await().atMost(WAIT).until(() -> proxy.droppedInput().equals(expected));
      int frames = viewer.frames.get();
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
          .until(() -> "CONNECTED_IDLE".equals(state(proxy)));
      assertThat(viewer.frames.get()).as("framebuffer updates keep flowing (xclock)").isGreaterThan(frames);
      assertThat(proxy.droppedInput()).isEqualTo(expected);
      assertThat(events.since(seen))
          .as("nothing reached the X server").doesNotContain("MotionNotify", "ButtonPress", "KeyPress");
      assertThat(viewer.errors).isEmpty();
    }
  }

  @Test
  void aViewOnlyViewerChoosingVeNCryptTlsIsRefusedCannotEnforce() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithOptions(640, 480, List.of("-SecurityTypes", "VeNCrypt,TLSNone"));
        TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk",
            "--view-only");
        Socket s = new Socket("127.0.0.1", proxy.tcp().getPort())) {
      s.setSoTimeout(20_000);
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      in.readFully(new byte[12]);
      out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] offered = new byte[in.readUnsignedByte()];
      in.readFully(offered);
      assertThat(offered).contains((byte) 19);
      out.write(19); // VeNCrypt
      out.flush();
      assertThat(new int[] {in.readUnsignedByte(), in.readUnsignedByte()}).as("VeNCrypt 0.2").containsExactly(0, 2);
      out.write(new byte[] {0, 2});
      out.flush();
      assertThat(in.readUnsignedByte()).as("version accepted").isZero();
      int subtypes = in.readUnsignedByte();
      for (int i = 0; i < subtypes; i++) {
        in.readInt();
      }
      out.writeInt(257); // TLSNone: the rest is TLS, which the proxy cannot read
      out.flush();

      assertThat(in.read()).as("closed by the proxy before TLS starts").isEqualTo(-1);
      await().atMost(WAIT).until(() -> proxy.server().meterRegistry().find("vnc.proxy.connections.refused")
          .tag("reason", "cannot_enforce").counter() != null);
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", "cannot_enforce")
          .counter().count()).isEqualTo(1.0);
    }
  }

  private static String state(TestProxy proxy) throws Exception {
    return JSON.readTree(proxy.admin("/api/sessions/desk").body()).get("state").asText();
  }


  /** vernacular through the proxy's TCP frontend, counting frames. */
  private static final class Viewer implements AutoCloseable {
    final AtomicInteger frames = new AtomicInteger();
    final List<VncException> errors = new CopyOnWriteArrayList<>();
    final VernacularClient client;

    Viewer(TestProxy proxy) {
      VernacularConfig config = new VernacularConfig();
      config.setColorDepth(ColorDepth.BPP_24_TRUE);
      config.setShared(true);
      config.setScreenUpdateListener(image -> frames.incrementAndGet());
      config.setErrorListener(errors::add);
      client = new VernacularClient(config);
      client.start(proxy.tcp().getHostString(), proxy.tcp().getPort());
      await("first frame").atMost(WAIT).until(() -> frames.get() > 0 || !errors.isEmpty());
      assertThat(errors).isEmpty();
    }

    void act() {
      client.moveMouse(100, 100);
      client.click(1);
      client.scrollUp();
      client.type("a");
      client.copyText("hello");
    }

    @Override
    public void close() {
      if (client.isRunning()) {
        client.stop();
      }
    }
  }
}
