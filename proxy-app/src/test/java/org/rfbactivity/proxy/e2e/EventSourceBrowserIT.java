package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.EventIds;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * A browser's {@code new EventSource('/api/events?access_token=…')} in headless Debian chromium
 * ({@code src/test/js/events-driver.mjs}) receives a {@code session.state_changed} event through
 * {@code addEventListener}. Skips (or fails under {@code RFBA_REQUIRE_E2E=1}) when node, chromium or playwright-core
 * are missing.
 */
@ExtendWith(LeakWatch.class)
class EventSourceBrowserIT {

  static final String TOKEN = "admin-token-0123456789";

  @TempDir
  Path dir;

  @Test
  void eventSourceReceivesAStateChange() throws Exception {
    XvncServer.requireExecutables(NoVncDriver.NODE, NoVncDriver.CHROMIUM);
    boolean installed = Files.isDirectory(NoVncDriver.JS_DIR.resolve("node_modules/playwright-core"));
    if (!installed && XvncServer.e2eRequired()) {
      throw new AssertionError("npm packages missing in " + NoVncDriver.JS_DIR + " (run npm ci there) but "
          + XvncServer.REQUIRE_E2E_ENV + "=1 requires the browser test");
    }
    Assumptions.assumeTrue(installed, "npm packages not installed in " + NoVncDriver.JS_DIR + "; test skipped");

    Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk",
        "--admin-token-file", token.toString())) {
      Files.createDirectories(Paths.get("target"));
      Process node = new ProcessBuilder(NoVncDriver.NODE.toString(), "events-driver.mjs",
          "http://127.0.0.1:" + proxy.server().adminAddress().getPort(), TOKEN)
          .directory(NoVncDriver.JS_DIR.toFile())
          .redirectError(ProcessBuilder.Redirect.appendTo(Paths.get("target/events-driver.log").toFile()))
          .start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
              StandardCharsets.UTF_8));
          Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
        assertThat(out.readLine()).as("driver start (log: target/events-driver.log)").isEqualTo("open");
        await().atMost(Duration.ofSeconds(20)).until(() -> proxy.server().events().subscribers() == 1);

        // Another type first: the page listens for session.state_changed only.
        EventIds ids = new EventIds(0x42L);
        Instant at = Instant.parse("2026-12-03T10:00:00.250Z");
        proxy.server().events().onEvent(ActivityEvent.viewerOpened(ids.next(), at, "proxy-1", "desk", "c1"));
        ActivityEvent changed = ActivityEvent.stateChanged(ids.next(), at, "proxy-1", "desk",
            ActivityState.CONNECTED_IDLE, ActivityState.ACTIVE, at.minusSeconds(60), "c1", InputKind.KEY_PRESS,
            "INPUT");
        proxy.server().events().onEvent(changed);

        in.write("next\n");
        in.flush();
        assertThat(out.readLine()).isEqualTo("event " + changed.id() + " " + changed.toJson());
        in.write("quit\n");
        in.flush();
      } finally {
        if (!node.waitFor(20, TimeUnit.SECONDS)) {
          node.descendants().forEach(ProcessHandle::destroyForcibly);
          node.destroyForcibly();
        }
      }
    }
  }
}
