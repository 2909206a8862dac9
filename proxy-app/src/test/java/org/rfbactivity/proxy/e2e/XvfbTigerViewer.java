package org.rfbactivity.proxy.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * TigerVNC's {@code vncviewer} in its own Xvfb, driven by {@code xdotool} as a person's mouse and keyboard would
 * drive it: X input events on the viewer's window, which the viewer turns into RFB messages. Debian's packages
 * tigervnc-viewer, xvfb and xdotool; skips (or fails under {@code RFBA_REQUIRE_E2E=1}) without them.
 */
final class XvfbTigerViewer implements AutoCloseable {

  static final Path XVFB = Paths.get("/usr/bin/Xvfb");
  static final Path VNCVIEWER = Paths.get("/usr/bin/xtigervncviewer");
  static final Path XDOTOOL = Paths.get("/usr/bin/xdotool");
  private static final Path LOG = Paths.get("target/tigervnc-viewer.log");

  private final String display;
  private final Process xvfb;
  private Process viewer;

  private XvfbTigerViewer(String display, Process xvfb) {
    this.display = display;
    this.xvfb = xvfb;
  }

  /** Starts an Xvfb of {@code width}x{@code height} on a free display. */
  static XvfbTigerViewer start(int width, int height) throws IOException {
    XvncServer.requireExecutables(XVFB, VNCVIEWER, XDOTOOL);
    Files.createDirectories(LOG.getParent());
    int n = 60;
    while (Files.exists(Paths.get("/tmp/.X11-unix/X" + n)) || Files.exists(Paths.get("/tmp/.X" + n + "-lock"))) {
      n++;
    }
    Process xvfb = new ProcessBuilder(XVFB.toString(), ":" + n, "-screen", "0", width + "x" + height + "x24",
        "-nolisten", "tcp")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile())).start();
    Path socket = Paths.get("/tmp/.X11-unix/X" + n);
    XvfbTigerViewer out = new XvfbTigerViewer(":" + n, xvfb);
    try {
      await("Xvfb :" + n).atMost(Duration.ofSeconds(20)).until(() -> Files.exists(socket) || !xvfb.isAlive());
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** Opens the viewer on {@code server} (host::port), at the top left of the screen, and waits for its window. */
  void connect(InetSocketAddress server) throws IOException, InterruptedException {
    viewer = x11(VNCVIEWER.toString(), "-Shared", "-geometry", "+0+0",
        server.getHostString() + "::" + server.getPort()).start();
    Process search = x11(XDOTOOL.toString(), "search", "--sync", "--onlyvisible", "--name", "TigerVNC").start();
    if (!search.waitFor(30, TimeUnit.SECONDS) || search.exitValue() != 0) {
      search.destroyForcibly();
      throw new AssertionError("no TigerVNC window (log: " + LOG + ")");
    }
    // No window manager: the keyboard focus goes to the viewer's window as a window manager would give it.
    xdotool(List.of("search", "--onlyvisible", "--name", "TigerVNC", "windowfocus", "--sync"));
  }

  /**
   * Runs one chained xdotool command line ({@code mousemove X Y sleep 0.02 click 1 key a ...}): xdotool paces the
   * input with its own sleeps. Returns once it has run.
   */
  void xdotool(List<String> commands) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(XDOTOOL.toString());
    command.addAll(commands);
    Process p = x11(command.toArray(String[]::new)).start();
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError("xdotool failed (log: " + LOG + ")");
    }
  }

  private ProcessBuilder x11(String... command) {
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
    pb.environment().put("DISPLAY", display);
    pb.environment().remove("XAUTHORITY");
    return pb;
  }

  /** Closes the viewer like a user closing its window would end the connection. */
  void disconnect() throws InterruptedException {
    if (viewer != null) {
      viewer.destroy();
      viewer.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    for (Process p : new Process[] {viewer, xvfb}) {
      if (p != null && p.isAlive()) {
        p.destroy();
        try {
          if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          p.destroyForcibly();
        }
      }
    }
  }
}
