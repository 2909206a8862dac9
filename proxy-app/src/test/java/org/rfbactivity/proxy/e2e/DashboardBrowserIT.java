package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * The admin port's dashboard in headless Debian chromium ({@code src/test/js/dashboard-driver.mjs}), behind an admin
 * token typed into its form: a scripted raw TCP viewer connects (ACTIVE), stays still past a 2 s active window
 * (CONNECTED_IDLE), types (ACTIVE), leaves (DISCONNECTED), and the page shows each state, as text and colour, without
 * being reloaded. Screenshots in {@code target/dashboard-*.png}. Skips (or fails under {@code RFBA_REQUIRE_E2E=1})
 * when node, chromium or playwright-core are missing.
 */
@ExtendWith(LeakWatch.class)
class DashboardBrowserIT {

  static final String TOKEN = "admin-token-0123456789";
  static final String GREEN = "rgb(26, 127, 55)";
  static final String AMBER = "rgb(191, 135, 0)";
  static final String GREY = "rgb(110, 119, 129)";

  @TempDir
  Path dir;

  @Test
  void theStatesOfAViewerChangeOnScreen() throws Exception {
    XvncServer.requireExecutables(NoVncDriver.NODE, NoVncDriver.CHROMIUM);
    boolean installed = Files.isDirectory(NoVncDriver.JS_DIR.resolve("node_modules/playwright-core"));
    if (!installed && XvncServer.e2eRequired()) {
      throw new AssertionError("npm packages missing in " + NoVncDriver.JS_DIR + " (run npm ci there) but "
          + XvncServer.REQUIRE_E2E_ENV + "=1 requires the browser test");
    }
    Assumptions.assumeTrue(installed, "npm packages not installed in " + NoVncDriver.JS_DIR + "; test skipped");

    Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n", StandardCharsets.UTF_8);
    RfbScript script = RfbScript.random(3, 1024, 64);
    try (ScriptedRfbServer desk = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", desk.target(), "--session-id", "desk",
            "--admin-token-file", token.toString(), "--active-window", "2s", "--persist-interval", "1s", "--flush-tick", "100ms")) {
      Path target = Files.createDirectories(Paths.get("target")).toAbsolutePath();
      String origin = "http://127.0.0.1:" + proxy.server().adminAddress().getPort();
      Process node = new ProcessBuilder(NoVncDriver.NODE.toString(), "dashboard-driver.mjs", origin,
          target.toString())
          .directory(NoVncDriver.JS_DIR.toFile())
          .redirectError(ProcessBuilder.Redirect.appendTo(target.resolve("dashboard-driver.log").toFile()))
          .start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
              StandardCharsets.UTF_8));
          Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
        Driver page = new Driver(out, in);
        assertThat(out.readLine()).as("driver start (log: target/dashboard-driver.log)").isEqualTo("login");
        assertThat(page.ask("token " + TOKEN)).as("the token is in session storage, never in the page's URL")
            .isEqualTo("ready " + origin + "/ true");
        assertThat(page.ask("state desk DISCONNECTED dashboard-0-before")).isEqualTo("state DISCONNECTED " + GREY);

        try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
          ScriptedRfbClient.handshake(viewer, script);
          assertThat(page.ask("state desk ACTIVE dashboard-1-active")).isEqualTo("state ACTIVE " + GREEN);
          JsonNode v = new ObjectMapper().readTree(proxy.admin("/api/sessions/desk", TOKEN).body())
              .get("viewers").get(0);
          assertThat(page.ask("viewer desk")).isEqualTo("viewer " + v.get("id").asText() + "|tcp|127.0.0.1:"
              + viewer.socket().getLocalPort() + "|" + v.get("replica").asText() + "|ACTIVE|inspectable|"
              + page.localTime(v.get("connectedSince").asText()));

          assertThat(page.ask("state desk CONNECTED_IDLE dashboard-2-idle")).isEqualTo("state CONNECTED_IDLE " + AMBER);
          assertThat(page.ask("why desk")).isEqualTo("why changed by WINDOW_ELAPSED of viewer " + v.get("id").asText());

          byte[] keyDown = {4, 1, 0, 0, 0, 0, 0, 0x61}; // KeyEvent: down, keysym 'a' (docs/protocol.md#keyevent)
          viewer.write(keyDown, 0, keyDown.length);
          assertThat(page.ask("state desk ACTIVE dashboard-3-active-again")).isEqualTo("state ACTIVE " + GREEN);
          assertThat(page.ask("why desk")).startsWith("why last input KEY_PRESS; changed by INPUT (KEY_PRESS) of viewer "
              + v.get("id").asText() + "; idle at ");
        }
        assertThat(page.ask("state desk DISCONNECTED dashboard-4-disconnected")).isEqualTo("state DISCONNECTED "
            + GREY);
        in.write("quit\n");
        in.flush();
        assertThat(out.readLine()).as("no script error, no CSP violation").isEqualTo("clean");
      } finally {
        if (!node.waitFor(20, TimeUnit.SECONDS)) {
          node.descendants().forEach(ProcessHandle::destroyForcibly);
          node.destroyForcibly();
        }
      }
      for (String shot : new String[] {"0-before", "1-active", "2-idle", "3-active-again", "4-disconnected"}) {
        assertThat(target.resolve("dashboard-" + shot + ".png")).isNotEmptyFile();
      }
    }
  }

  /** One command, one answer line. */
  private record Driver(BufferedReader out, Writer in) {

    String ask(String command) throws IOException {
      in.write(command + "\n");
      in.flush();
      return out.readLine();
    }

    /** The page's {@code toLocaleTimeString()} of an instant, asked of the page itself (its locale and zone). */
    String localTime(String instant) throws IOException {
      return ask("time " + instant).substring("time ".length());
    }
  }
}
