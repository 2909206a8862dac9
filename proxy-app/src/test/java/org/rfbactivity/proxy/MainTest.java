package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line fails fast: one line naming the setting and the value, a non-zero status, nothing left listening. */
class MainTest {

  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Main.Launch launch(String... args) {
    return Main.launch(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpExitsZero() {
    Main.Launch l = launch("--help");
    assertThat(l.exitCode()).isZero();
    assertThat(l.server()).isNull();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: rfb-activity-proxy [OPTIONS]");
  }

  @Test
  void unknownFlag() {
    Main.Launch l = launch("--target", "127.0.0.1:5901", "--session-id", "s", "--colour", "blue");
    assertThat(l.exitCode()).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err()).startsWith("rfb-activity-proxy: --colour: unknown option").endsWith(" (see --help)\n");
  }

  @Test
  void malformedDuration() {
    Main.Launch l = launch("--target", "127.0.0.1:5901", "--session-id", "s", "--handshake-timeout", "soon");
    assertThat(l.exitCode()).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err()).isEqualTo("rfb-activity-proxy: --handshake-timeout=soon: expected a duration such as 500ms, "
        + "10s, 2m, 1h or PT10S\n");
  }

  @Test
  void missingRoute() {
    assertThat(launch().exitCode()).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err()).startsWith("rfb-activity-proxy: route: missing");
  }

  @Test
  void anUnreadableTokenFileStopsTheStart(@TempDir Path dir) {
    // Later, an unreadable file leaves the last good table in use; at the start there is none to fall back on.
    Path missing = dir.resolve("tokens");
    Main.Launch l = launch("--token-file", missing.toString(), "--store", "memory", "--ws-listen", "127.0.0.1:0",
        "--admin-listen", "none");
    assertThat(l.exitCode()).isEqualTo(Main.EXIT_CONFIG);
    assertThat(l.server()).isNull();
    assertThat(err()).isEqualTo("rfb-activity-proxy: --token-file=" + missing + ": not a readable file or directory\n");
  }

  @Test
  void maxTokenLifetimeWithoutJwtRoutingStopsTheStart() {
    Main.Launch l = launch("--target", "127.0.0.1:5901", "--session-id", "s", "--max-token-lifetime", "1h");
    assertThat(l.exitCode()).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err()).isEqualTo("rfb-activity-proxy: --max-token-lifetime=1h: applies only to JWT routing "
        + "(--jwt-secret-file or --jwt-public-key)\n");
  }

  @Test
  void portInUseStopsEverythingBeforeServing() throws IOException {
    int freePort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      freePort = free.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String busy = "127.0.0.1:" + taken.getLocalPort();

      Main.Launch l = launch("--target", "127.0.0.1:5901", "--session-id", "s", "--store", "memory",
          "--tcp-listen", "127.0.0.1:" + freePort, "--ws-listen", busy, "--admin-listen", "127.0.0.1:0");

      assertThat(l.exitCode()).isEqualTo(Main.EXIT_CONFIG);
      assertThat(l.server()).isNull();
      assertThat(err())
          .isEqualTo("rfb-activity-proxy: --ws-listen=" + busy + ": cannot listen: Address already in use\n");
      try (ServerSocket again = new ServerSocket(freePort, 1, InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).as("the TCP listener bound before the failure was released")
            .isEqualTo(freePort);
      }
    }
  }

  @Test
  void startsAndStops() {
    Main.Launch l = launch("--target", "127.0.0.1:5901", "--session-id", "s", "--store", "memory",
        "--tcp-listen", "127.0.0.1:0", "--ws-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0");
    assertThat(l.exitCode()).isZero();
    ProxyServer server = l.server();
    assertThat(server.tcpAddress().getPort()).isPositive();
    assertThat(server.readiness().ready()).isTrue();
    server.close();
    assertThat(server.readiness().ready()).as("not ready once closed").isFalse();
  }

  @Test
  void aFlushTickLongerThanTheDefaultRetryBackoffStarts() {
    // Valid by every rule the flags document (tick <= persist interval < active window); activity-core's retry
    // back-off cap (30 s, not a flag) must follow the tick rather than refuse it.
    Main.Launch l = launch("--target", "127.0.0.1:5901", "--session-id", "s", "--store", "memory",
        "--tcp-listen", "127.0.0.1:0", "--ws-listen", "none", "--admin-listen", "none",
        "--flush-tick", "45s", "--persist-interval", "45s", "--active-window", "2m");
    assertThat(err()).isEmpty();
    assertThat(l.exitCode()).isZero();
    l.server().close();
  }
}
