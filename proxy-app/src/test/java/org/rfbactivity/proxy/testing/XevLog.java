package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * {@code xev -root} on an Xvnc display, its mouse and keyboard events in a file: what reached the X server, whatever
 * the viewer sent it through.
 */
public final class XevLog implements AutoCloseable {

  private static final Path XEV = Paths.get("/usr/bin/xev");
  private static final Path STDBUF = Paths.get("/usr/bin/stdbuf");

  private final Process process;
  private final Path file;

  private XevLog(Process process, Path file) {
    this.process = process;
    this.file = file;
  }

  /** Skips the test (or fails it under {@code RFBA_REQUIRE_E2E=1}) without xev. */
  public static void requireExecutables() {
    XvncServer.requireExecutables(XEV, STDBUF);
  }

  /** Starts xev on {@code xvnc}'s display, writing to {@code file}. */
  public static XevLog start(XvncServer xvnc, Path file) throws IOException {
    // line-buffered: xev's stdout is a file, which C would otherwise buffer
    ProcessBuilder command = new ProcessBuilder(STDBUF.toString(), "-oL", XEV.toString(), "-root", "-event", "mouse",
        "-event", "keyboard").redirectErrorStream(true).redirectOutput(file.toFile());
    command.environment().put("DISPLAY", ":" + xvnc.display());
    Process process = command.start();
    process.getOutputStream().close();
    return new XevLog(process, file);
  }

  /** Everything xev printed so far. */
  public String text() throws IOException {
    return Files.readString(file);
  }

  /** A mark of what xev printed so far; {@link #since} reads what came after it. */
  public long mark() throws IOException {
    return Files.size(file);
  }

  /** What xev printed after {@code mark}. */
  public String since(long mark) throws IOException {
    return text().substring((int) mark);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
