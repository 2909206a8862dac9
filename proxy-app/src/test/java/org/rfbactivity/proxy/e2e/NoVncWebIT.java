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
 * noVNC served by the proxy itself, in headless Debian chromium, connecting through the same port (same origin: no
 * {@code --allowed-origin}) to a real Xvnc. Two pages: the test page of this module with noVNC 1.7's modules from npm
 * ({@code --web src/test/js}, {@code viewer.html}), and noVNC's own application page from Debian's {@code novnc}
 * package as the README's walk-through uses it ({@code --web /usr/share/novnc},
 * {@code vnc.html?path=vnc/desk&autoconnect=true}). Each connection is a viewer of the session; the page's files
 * made none.
 */
@ExtendWith(LeakWatch.class)
class NoVncWebIT {

  /** noVNC as Debian packages it ({@code apt-get install novnc}): {@code vnc.html}, {@code app/}, {@code core/}. */
  private static final Path DEBIAN_NOVNC = Paths.get("/usr/share/novnc");

  @Test
  void noVncFromTheProxyConnectsThroughIt() throws Exception {
    XvncServer.requireExecutables(NoVncDriver.NODE, NoVncDriver.CHROMIUM, Paths.get("/usr/bin/Xvnc"));
    requireNpmPackages();

    try (XvncServer xvnc = XvncServer.startWithoutAuth(800, 600);
        TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk",
            "--web", NoVncDriver.JS_DIR.toString())) {
      String origin = "http://127.0.0.1:" + proxy.ws().getPort();
      assertThat(drive("web-driver.mjs", origin + "/viewer.html?ws=ws://127.0.0.1:" + proxy.ws().getPort()
          + "/websockify", "novnc-web.png")).as("noVNC state (log: target/web-driver.log)")
          .isEqualTo("connected 800x600");
      oneViewerCameAndWent(proxy);
    }
  }

  /** The walk-through of the README: Debian's noVNC application page, its {@code path} naming the session. */
  @Test
  void noVncsOwnPageFromDebiansPackageConnectsByThePathOfTheSession() throws Exception {
    XvncServer.requireExecutables(NoVncDriver.NODE, NoVncDriver.CHROMIUM, Paths.get("/usr/bin/Xvnc"),
        DEBIAN_NOVNC.resolve("app")); // a directory: "executable" means it can be entered
    requireNpmPackages();
    try (XvncServer xvnc = XvncServer.startWithoutAuth(640, 480, "walk-through desktop");
        TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk",
            "--web", DEBIAN_NOVNC.toString())) {
      String origin = "http://127.0.0.1:" + proxy.ws().getPort();
      assertThat(drive("app-driver.mjs", origin + "/vnc.html?path=vnc/desk&autoconnect=true", "novnc-app.png"))
          .as("noVNC's status line (log: target/app-driver.log)")
          .isEqualTo("connected 640x480 Connected (unencrypted) to walk-through desktop");
      oneViewerCameAndWent(proxy);
    }
  }

  private static void requireNpmPackages() {
    boolean installed = Files.isDirectory(NoVncDriver.JS_DIR.resolve("node_modules/playwright-core"))
        && Files.isDirectory(NoVncDriver.JS_DIR.resolve("node_modules/@novnc/novnc"));
    if (!installed && XvncServer.e2eRequired()) {
      throw new AssertionError("npm packages missing in " + NoVncDriver.JS_DIR + " (run npm ci there) but "
          + XvncServer.REQUIRE_E2E_ENV + "=1 requires the browser test");
    }
    Assumptions.assumeTrue(installed, "npm packages not installed in " + NoVncDriver.JS_DIR + "; test skipped");
  }

  /** The browser is gone: its viewer closed, it was the session's only one, and nothing was refused. */
  private static void oneViewerCameAndWent(TestProxy proxy) {
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

  /** Runs a driver script of {@link NoVncDriver#JS_DIR} on {@code url}; its one line of answer. */
  private static String drive(String script, String url, String screenshot) throws Exception {
    Path target = Files.createDirectories(Paths.get("target")).toAbsolutePath();
    Process node = new ProcessBuilder(NoVncDriver.NODE.toString(), script, url,
        target.resolve(screenshot).toString())
        .directory(NoVncDriver.JS_DIR.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(target.resolve(script.replace(".mjs", ".log")).toFile()))
        .start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
        StandardCharsets.UTF_8))) {
      return out.readLine();
    } finally {
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
      }
    }
  }
}
