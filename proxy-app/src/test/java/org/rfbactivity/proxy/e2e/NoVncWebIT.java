package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * noVNC served by the proxy itself: {@code --web src/test/js}, and headless Debian chromium opens
 * {@code http://127.0.0.1:WS_PORT/viewer.html?ws=ws://127.0.0.1:WS_PORT/websockify}; the page and noVNC 1.7's modules
 * come from the WebSocket port, and noVNC connects through the same port (same origin: no {@code --allowed-origin})
 * to a real Xvnc, reaching its connected state with the desktop's size. The connection is a viewer of the session;
 * the page's files made none.
 */
@ExtendWith(LeakWatch.class)
class NoVncWebIT {

  @Test
  void noVncFromTheProxyConnectsThroughIt() throws Exception {
    XvncServer.requireExecutables(NoVncDriver.NODE, NoVncDriver.CHROMIUM, Paths.get("/usr/bin/Xvnc"));
    boolean installed = Files.isDirectory(NoVncDriver.JS_DIR.resolve("node_modules/playwright-core"))
        && Files.isDirectory(NoVncDriver.JS_DIR.resolve("node_modules/@novnc/novnc"));
    if (!installed && XvncServer.e2eRequired()) {
      throw new AssertionError("npm packages missing in " + NoVncDriver.JS_DIR + " (run npm ci there) but "
          + XvncServer.REQUIRE_E2E_ENV + "=1 requires the browser test");
    }
    Assumptions.assumeTrue(installed, "npm packages not installed in " + NoVncDriver.JS_DIR + "; test skipped");

    try (XvncServer xvnc = XvncServer.startWithoutAuth(800, 600);
        TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk",
            "--web", NoVncDriver.JS_DIR.toString())) {
      Path target = Files.createDirectories(Paths.get("target")).toAbsolutePath();
      String origin = "http://127.0.0.1:" + proxy.ws().getPort();
      Process node = new ProcessBuilder(NoVncDriver.NODE.toString(), "web-driver.mjs",
          origin + "/viewer.html?ws=ws://127.0.0.1:" + proxy.ws().getPort() + "/websockify",
          target.resolve("novnc-web.png").toString())
          .directory(NoVncDriver.JS_DIR.toFile())
          .redirectError(ProcessBuilder.Redirect.appendTo(target.resolve("web-driver.log").toFile()))
          .start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
          StandardCharsets.UTF_8))) {
        assertThat(out.readLine()).as("noVNC state (log: target/web-driver.log)").isEqualTo("connected 800x600");
      } finally {
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
          node.descendants().forEach(ProcessHandle::destroyForcibly);
          node.destroyForcibly();
        }
      }
      // The browser is gone: its viewer closed, and it was the session's only one.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode desk = new ObjectMapper().readTree(proxy.admin("/api/sessions/desk").body());
        assertThat(desk.get("state").asText()).isEqualTo("DISCONNECTED");
        assertThat(desk.get("lastConnectAt").isNull()).as("a viewer connected").isFalse();
      });
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.viewers.opened").tag("frontend", "ws").counter()
          .count()).as("one viewer: the page's files are none").isEqualTo(1.0);
      assertThat(proxy.server().meterRegistry().find("vnc.proxy.connections.refused").counters())
          .as("and no refused one").allSatisfy(c -> assertThat(c.count()).isZero());
    }
  }
}
