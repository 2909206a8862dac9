package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * noVNC 1.7 in headless Debian chromium, driven through {@code src/test/js/novnc-driver.mjs} (playwright-core)
 * one command per line. Skips (or fails under {@code RFBA_REQUIRE_E2E=1}) when node, chromium or the npm
 * packages are missing.
 */
final class NoVncDriver implements ViewerDriver {

  static final Path JS_DIR = Paths.get("src/test/js");
  /** node from the PATH (the machine image may ship its own Node.js), else Debian's. */
  static final Path NODE = onPath("node", Paths.get("/usr/bin/node"));
  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long ANSWER_SECONDS = 60;

  private final Process node;
  private final Writer commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final String origin;
  private String wsUrl;
  private String password;

  private NoVncDriver(Process node) throws IOException, InterruptedException {
    this.node = node;
    this.commands = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          answers.add(line);
        }
      } catch (IOException e) {
        answers.add("error driver output: " + e.getMessage());
      }
      answers.add("error driver exited");
    }, "novnc-driver-output");
    reader.setDaemon(true);
    reader.start();
    String ready = answer();
    assertThat(ready).as("driver start (log: target/novnc-driver.log)").startsWith("ready ");
    this.origin = ready.substring("ready ".length());
  }

  /** Starts node and chromium; the returned driver's {@link #origin()} is the page origin to allow. */
  static NoVncDriver start() throws IOException, InterruptedException {
    XvncServer.requireExecutables(NODE, CHROMIUM);
    Path packages = JS_DIR.resolve("node_modules/playwright-core");
    Path novnc = JS_DIR.resolve("node_modules/@novnc/novnc/core/rfb.js");
    boolean installed = Files.isDirectory(packages) && Files.isRegularFile(novnc);
    if (!installed && XvncServer.e2eRequired()) {
      throw new AssertionError("npm packages missing in " + JS_DIR + " (run npm ci there) but "
          + XvncServer.REQUIRE_E2E_ENV + "=1 requires the browser test");
    }
    Assumptions.assumeTrue(installed, "npm packages not installed in " + JS_DIR + "; browser test skipped");
    Files.createDirectories(Paths.get("target"));
    Process p = new ProcessBuilder(NODE.toString(), "novnc-driver.mjs")
        .directory(JS_DIR.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(Paths.get("target/novnc-driver.log").toFile()))
        .start();
    return new NoVncDriver(p);
  }

  private static Path onPath(String program, Path fallback) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        Path candidate = Paths.get(dir, program);
        if (!dir.isEmpty() && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return fallback;
  }

  /** Where the page is served from: the Origin of its WebSocket. */
  String origin() {
    return origin;
  }

  /** The proxy URL and VNC password (null for None) the next {@link #connect()} uses. */
  NoVncDriver target(String wsUrl, String password) {
    this.wsUrl = wsUrl;
    this.password = password;
    return this;
  }

  @Override
  public void connect() throws Exception {
    assertThat(send("connect " + wsUrl + " " + (password == null ? "-" : password))).startsWith("connected ");
  }

  @Override
  public void move(int x, int y) throws Exception {
    assertThat(send("move " + x + " " + y)).isEqualTo("ok");
  }

  @Override
  public void typeLetter() throws Exception {
    assertThat(send("type KeyA")).isEqualTo("ok");
  }

  /** A real click at X Y over the canvas: the mouse moves there, the left button goes down and up. */
  void click(int x, int y) throws Exception {
    assertThat(send("click " + x + " " + y)).isEqualTo("ok");
  }

  /** One wheel event of {@code dy} pixels where the mouse is (noVNC makes a wheel notch of each 50 px). */
  void wheel(int dy) throws Exception {
    assertThat(send("wheel " + dy)).isEqualTo("ok");
  }

  /** A person for about {@code seconds}, from the driver's seeded model (novnc-driver.mjs {@code human}). */
  void human(int seed, int seconds) throws Exception {
    assertThat(send("human " + seed + " " + seconds)).isEqualTo("ok");
  }

  /** A mouse jiggler: 1 px right and back every {@code periodMs}, {@code count} times. */
  void jiggle(int periodMs, int count) throws Exception {
    assertThat(send("jiggle " + periodMs + " " + count)).isEqualTo("ok");
  }

  /** A key jiggler: a lone tap of the Playwright key {@code key} every {@code periodMs}, {@code count} times. */
  void tap(String key, int periodMs, int count) throws Exception {
    assertThat(send("tap " + key + " " + periodMs + " " + count)).isEqualTo("ok");
  }

  /** The page pastes {@code text} into the session as an application embedding noVNC does. */
  void paste(String text) throws Exception {
    assertThat(send("paste " + text)).isEqualTo("ok");
  }

  /** Input messages noVNC has sent since the page loaded, by input class label ({@code keys}, {@code clipboard} …). */
  Map<String, Long> sent() throws Exception {
    String answer = send("sent");
    assertThat(answer).startsWith("sent ");
    Map<String, Long> out = new TreeMap<>();
    JSON.readTree(answer.substring("sent ".length())).fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  /** A hash of the canvas's pixels: it changes when the picture in the page does. */
  String canvas() throws Exception {
    String answer = send("canvas");
    assertThat(answer).startsWith("canvas ");
    return answer.substring("canvas ".length());
  }

  @Override
  public void disconnect() throws Exception {
    assertThat(send("disconnect")).isEqualTo("disconnected");
  }

  /** Waits until the proxy closes the page's WebSocket: {@code CODE REASON} of its Close frame. */
  String closed() throws Exception {
    String answer = send("closed");
    assertThat(answer).startsWith("closed ");
    return answer.substring("closed ".length());
  }

  private String send(String command) throws IOException, InterruptedException {
    commands.write(command + "\n");
    commands.flush();
    return answer();
  }

  private String answer() throws InterruptedException {
    String line = answers.poll(ANSWER_SECONDS, TimeUnit.SECONDS);
    return line == null ? "error no answer within " + ANSWER_SECONDS + " s" : line;
  }

  @Override
  public void close() {
    if (node.isAlive()) {
      try {
        commands.write("quit\n");
        commands.flush();
      } catch (IOException e) {
        // the driver is already gone
      }
      boolean exited;
      try {
        exited = node.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exited = false;
      }
      if (!exited) {
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
      }
    }
  }
}
