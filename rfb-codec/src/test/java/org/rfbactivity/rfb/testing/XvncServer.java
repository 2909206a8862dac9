package org.rfbactivity.rfb.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real TigerVNC {@code Xvnc} started by a test on a free loopback port ({@code -localhost -nolisten tcp}),
 * with either {@code -SecurityTypes None} or {@code VncAuth}. Closing it stops the server and every X client
 * started through {@link #startX11Client}.
 *
 * <p>Where Xvnc is missing the calling test is skipped, unless {@code RFBA_REQUIRE_E2E=1} (set by
 * {@code .ci/run}) is in the environment, in which case it fails: CI must never skip real-server tests.
 */
public final class XvncServer implements AutoCloseable {

  /** Environment switch that turns "skip when the real parts are missing" into "fail". */
  public static final String REQUIRE_E2E_ENV = "RFBA_REQUIRE_E2E";

  private static final Path XVNC = Paths.get("/usr/bin/Xvnc");
  private static final Path VNCPASSWD = Paths.get("/usr/bin/vncpasswd");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final int display;
  private final int port;
  private final String password;
  private final Path workDir;
  private final List<Process> clients = new ArrayList<>();

  private XvncServer(Process process, int display, int port, String password, Path workDir) {
    this.process = process;
    this.display = display;
    this.port = port;
    this.password = password;
    this.workDir = workDir;
  }

  /** Skips the test (or fails it under {@code RFBA_REQUIRE_E2E=1}) when {@code paths} are not all executable. */
  public static void requireExecutables(Path... paths) {
    for (Path path : paths) {
      boolean present = Files.isExecutable(path);
      if (!present && e2eRequired()) {
        throw new AssertionError(path + " is missing but " + REQUIRE_E2E_ENV + "=1 requires the end-to-end tests");
      }
      Assumptions.assumeTrue(present, path + " is not installed; end-to-end test skipped");
    }
  }

  /** True when {@code RFBA_REQUIRE_E2E=1}: real-part tests must run and pass. */
  public static boolean e2eRequired() {
    return "1".equals(System.getenv(REQUIRE_E2E_ENV));
  }

  /** Starts Xvnc with {@code -SecurityTypes None}. */
  public static XvncServer startWithoutAuth(int width, int height) throws IOException {
    return start(width, height, null, null);
  }

  /**
   * Starts Xvnc with {@code -SecurityTypes None} and {@code -desktop desktopName}, so ServerInit carries a known
   * name instead of Xvnc's host-dependent {@code user@host}.
   */
  public static XvncServer startWithoutAuth(int width, int height, String desktopName) throws IOException {
    return start(width, height, null, desktopName);
  }

  /** Starts Xvnc with {@code -SecurityTypes VncAuth} and the given password (VNC auth uses at most 8 chars). */
  public static XvncServer startWithVncAuth(int width, int height, String password) throws IOException {
    return start(width, height, password, null);
  }

  /**
   * Starts Xvnc with the caller's own server options (security types, certificates, blacklist settings …), e.g.
   * {@code -SecurityTypes X509None -X509Cert cert.pem -X509Key key.pem}.
   */
  public static XvncServer startWithOptions(int width, int height, List<String> options) throws IOException {
    return start(width, height, null, null, options, List.of());
  }

  /** As {@link #startWithVncAuth(int, int, String)}, with more server options (e.g. {@code -UseBlacklist=0}). */
  public static XvncServer startWithVncAuth(int width, int height, String password, List<String> moreOptions)
      throws IOException {
    return start(width, height, password, null, null, moreOptions);
  }

  private static XvncServer start(int width, int height, String password, String desktopName) throws IOException {
    return start(width, height, password, desktopName, null, List.of());
  }

  private static XvncServer start(int width, int height, String password, String desktopName, List<String> options,
      List<String> moreOptions) throws IOException {
    requireExecutables(XVNC);
    Path workDir = Files.createTempDirectory("rfba-xvnc");
    List<String> command = new ArrayList<>(List.of(
        XVNC.toString(), ":" + 0, // display replaced below
        "-geometry", width + "x" + height, "-depth", "24",
        "-localhost", "-nolisten", "tcp", "-AlwaysShared",
        "-rfbport", "0"));
    if (desktopName != null) {
      command.addAll(List.of("-desktop", desktopName));
    }
    if (options != null) {
      command.addAll(options);
    } else if (password == null) {
      command.addAll(List.of("-SecurityTypes", "None"));
    } else {
      requireExecutables(VNCPASSWD);
      Path passwd = workDir.resolve("passwd");
      writePasswordFile(password, passwd);
      command.addAll(List.of("-SecurityTypes", "VncAuth", "-PasswordFile", passwd.toString()));
    }
    command.addAll(moreOptions);
    // A display number and a port can be taken between our check and Xvnc's bind; retry a few times.
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int display = freeDisplay();
      int port = freePort();
      command.set(1, ":" + display);
      command.set(command.indexOf("-rfbport") + 1, Integer.toString(port));
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(workDir.resolve("Xvnc-" + display + ".log").toFile())
          .start();
      XvncServer server = new XvncServer(process, display, port, password, workDir);
      try {
        server.awaitBanner();
        return server;
      } catch (RuntimeException e) {
        server.stopProcesses();
        last = new IOException("Xvnc did not start on display :" + display + " port " + port
            + "; its log:\n" + tail(workDir.resolve("Xvnc-" + display + ".log")), e);
      }
    }
    deleteRecursively(workDir);
    throw last;
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static void deleteRecursively(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover scratch directory in /tmp is harmless; the test result does not depend on it.
    }
  }

  private static void writePasswordFile(String password, Path target) throws IOException {
    Process p = new ProcessBuilder(VNCPASSWD.toString(), "-f")
        .redirectOutput(target.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("vncpasswd -f failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running vncpasswd", e);
    }
  }

  private void awaitBanner() {
    await("Xvnc banner on port " + port)
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("Xvnc exited with " + process.exitValue());
          }
          return readBanner().startsWith("RFB ");
        });
  }

  private String readBanner() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(2000);
      InputStream in = socket.getInputStream();
      byte[] banner = in.readNBytes(12);
      return new String(banner, StandardCharsets.US_ASCII);
    }
  }

  private static int freeDisplay() {
    // Start from a pid-derived offset so concurrent test JVMs rarely race for the same number.
    int offset = (int) (ProcessHandle.current().pid() % 300);
    for (int i = 0; i < 300; i++) {
      int d = 40 + (offset + i) % 300;
      if (!Files.exists(Paths.get("/tmp/.X" + d + "-lock"))
          && !Files.exists(Paths.get("/tmp/.X11-unix/X" + d))) {
        return d;
      }
    }
    throw new IllegalStateException("no free X display number in 40..339");
  }

  /** A loopback port that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /**
   * Starts an X client on this server's display (for example {@code xclock -update 1} for a screen that keeps
   * changing). It is stopped by {@link #close()}.
   */
  public Process startX11Client(String... command) throws IOException {
    requireExecutables(Paths.get(command[0].startsWith("/") ? command[0] : "/usr/bin/" + command[0]));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve("client-" + clients.size() + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.put("DISPLAY", ":" + display);
    Process client = builder.start();
    clients.add(client);
    return client;
  }

  /** Runs an X client to completion (e.g. {@code xsetroot -solid red}); returns its exit code. */
  public int runX11Command(String... command) throws IOException, InterruptedException {
    Process p = startX11Client(command);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(command[0] + " did not finish");
    }
    clients.remove(p);
    return p.exitValue();
  }

  public int port() {
    return port;
  }

  public int display() {
    return display;
  }

  /** The VNC password, or {@code null} for {@code SecurityTypes None}. */
  public String password() {
    return password;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the server abruptly (SIGKILL), to test a VNC server that dies mid-connection. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the server and its X clients, and deletes the scratch directory (password file, logs). */
  @Override
  public void close() {
    stopProcesses();
    deleteRecursively(workDir);
  }

  private void stopProcesses() {
    for (Process client : clients) {
      client.destroyForcibly();
    }
    clients.clear();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
