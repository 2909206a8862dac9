package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * The idle disconnect (docs/architecture.md#policies) with real viewers of a real TigerVNC Xvnc whose clock keeps the
 * screen changing: noVNC in headless Chromium keeps its desktop while a person moves the mouse, is closed with 4001
 * {@code idle timeout} (the browser's CloseEvent) once they stop, and vernacular over raw TCP the same way.
 */
@ExtendWith(LeakWatch.class)
class XvncPolicyIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String[] POLICY = {"--idle-disconnect", "3s", "--idle-warning", "1s", "--flush-tick", "250ms",
      "--active-window", "2s", "--persist-interval", "1s", "--store", "memory", "--max-connect-rate-per-ip", "0"};

  @Test
  void noVncIsClosedWith4001OnceNobodyMovesTheMouse() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithoutAuth(1024, 768);
        NoVncDriver viewer = NoVncDriver.start();
        TestProxy proxy = proxy(xvnc, "novnc-idle", "--allowed-origin", viewer.origin())) {
      xvnc.startX11Client("xclock", "-update", "1");
      viewer.target("ws://127.0.0.1:" + proxy.ws().getPort() + "/vnc/novnc-idle", null);
      viewer.connect();
      long busyUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      for (int x = 10; System.nanoTime() < busyUntil; x += 7) {
        viewer.move(x % 900, 100 + x % 500);
        await().pollDelay(Duration.ofMillis(700)).until(() -> true);
        assertThat(state(proxy, "novnc-idle")).as("kept while the mouse moves").isNotEqualTo("DISCONNECTED");
      }
      assertThat(viewer.closed()).isEqualTo("4001 idle timeout");
      await().atMost(Duration.ofSeconds(5)).until(() -> state(proxy, "novnc-idle").equals("DISCONNECTED"));
      assertThat(closed(proxy, "idle_timeout")).isEqualTo(1.0);
    }
  }

  @Test
  void vernacularOverRawTcpIsClosedOnceIdle() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithoutAuth(1024, 768);
        TestProxy proxy = proxy(xvnc, "vernacular-idle");
        VernacularDriver viewer = new VernacularDriver(proxy.tcp(), null)) {
      xvnc.startX11Client("xclock", "-update", "1");
      viewer.connect();
      long opened = System.nanoTime();
      await().atMost(Duration.ofSeconds(15)).until(() -> state(proxy, "vernacular-idle").equals("DISCONNECTED"));
      assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
      assertThat(closed(proxy, "idle_timeout")).isEqualTo(1.0);
      assertThat(viewer.frames()).as("the clock kept updating the screen: not input").isGreaterThan(1);
    }
  }

  private static TestProxy proxy(XvncServer xvnc, String sessionId, String... extra) {
    String[] args = new String[4 + POLICY.length + extra.length];
    args[0] = "--target";
    args[1] = "127.0.0.1:" + xvnc.port();
    args[2] = "--session-id";
    args[3] = sessionId;
    System.arraycopy(POLICY, 0, args, 4, POLICY.length);
    System.arraycopy(extra, 0, args, 4 + POLICY.length, extra.length);
    return TestProxy.start(args);
  }

  private static String state(TestProxy proxy, String sessionId) throws Exception {
    JsonNode s = JSON.readTree(proxy.admin("/api/sessions/" + sessionId).body());
    return s.get("state").asText();
  }

  private static double closed(TestProxy proxy, String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", reason).counter().count();
  }
}
