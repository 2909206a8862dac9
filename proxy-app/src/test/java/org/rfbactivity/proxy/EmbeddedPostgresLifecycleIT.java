package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.ProxyProcess;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;

/**
 * The embedded PostgreSQL lives and dies with its proxy, each proxy a real process: a proxy killed with SIGKILL
 * leaves a server that the next start stops; a server that dies under a running proxy comes back on its port; SIGTERM
 * stops both and exits 0, quickly and without a stack trace even while the server is down; a second proxy on a data
 * directory in use fails at once; a stale postmaster.pid naming another program leaves that program alone.
 */
class EmbeddedPostgresLifecycleIT {

  /** First start: the binaries are unpacked and initdb runs. */
  static final Duration FIRST_START = Duration.ofSeconds(90);
  /** A later start (no initdb), including stopping a leftover server. */
  static final Duration START = Duration.ofSeconds(20);
  static final String REPLICA = "it";

  @TempDir
  Path dir;

  Path dataDir;
  Path pgdata;
  ScriptedRfbServer vnc;
  final RfbScript script = RfbScript.random(7, 16 * 1024, 1024);
  final List<ProxyProcess> proxies = new ArrayList<>();
  final List<AutoCloseable> others = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    dataDir = dir.resolve("data");
    pgdata = dataDir.resolve("pgdata");
    vnc = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ProxyProcess proxy : proxies) {
      proxy.close();
    }
    // A server a test left behind (a proxy killed on purpose, a failed assertion): only ever ours, by its -D.
    postmaster().ifPresent(p -> {
      List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
      all.add(p);
      all.forEach(ProcessHandle::destroyForcibly);
    });
    for (AutoCloseable other : others) {
      other.close();
    }
    vnc.close();
  }

  @Test
  void theServerOfAProxyKilledWithSigkillIsStoppedByTheNextStart() throws Exception {
    ProxyProcess first = start().awaitReady(FIRST_START);
    try (TcpTransport viewer = TcpTransport.connect(new InetSocketAddress("127.0.0.1", first.tcpPort()))) {
      ScriptedRfbClient.handshake(viewer, script);
      await().atMost(Duration.ofSeconds(10)).until(() -> "ACTIVE".equals(status(first.postgresPort())));
    }
    ProcessHandle leftover = postmaster().orElseThrow();

    first.process().destroyForcibly();
    assertThat(first.awaitExit(Duration.ofSeconds(10))).as("killed by SIGKILL").isEqualTo(137);
    assertThat(leftover.isAlive()).as("PostgreSQL outlives a proxy killed with SIGKILL").isTrue();

    long started = System.nanoTime();
    ProxyProcess second = start().awaitReady(START);
    Duration startup = Duration.ofNanos(System.nanoTime() - started);

    assertThat(startup).as("start, stopping the leftover included").isLessThan(START);
    await().atMost(Duration.ofSeconds(10)).until(() -> !leftover.isAlive());
    assertThat(lines(second, "WARN")).containsExactly("o.r.p.db.EmbeddedServer - stopping the embedded PostgreSQL "
        + "(pid " + leftover.pid() + ") that a previous proxy left running on " + pgdata);
    assertThat(status(second.postgresPort())).as("the first proxy's row, kept in --data-dir").isEqualTo("ACTIVE");
    assertThat(terminate(second)).isZero();
  }

  @Test
  void aServerThatDiesIsRestartedOnItsPortAndWritesGoOn() throws Exception {
    ProxyProcess proxy = start().awaitReady(FIRST_START);
    int port = proxy.postgresPort();
    ProcessHandle dead = postmaster().orElseThrow();

    dead.destroyForcibly();

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
      HttpResponse<String> ready = proxy.admin("/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).isEqualTo("{\"ready\":false,\"checks\":{\"listeners\":\"accepting\","
          + "\"database\":\"embedded PostgreSQL restarting (attempt 1)\",\"store\":\"healthy\"}}");
    });
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      HttpResponse<String> ready = proxy.admin("/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("{\"ready\":true,\"checks\":{\"listeners\":\"accepting\","
          + "\"database\":\"embedded PostgreSQL running\",\"store\":\"healthy\"}}");
    });
    ProcessHandle restarted = postmaster().orElseThrow();
    assertThat(restarted.pid()).isNotEqualTo(dead.pid());
    assertThat(restarted.info().arguments().orElseThrow()).as("on the same port")
        .containsSequence("-p", Integer.toString(port));

    try (TcpTransport viewer = TcpTransport.connect(new InetSocketAddress("127.0.0.1", proxy.tcpPort()))) {
      ScriptedRfbClient.handshake(viewer, script);
      await().atMost(Duration.ofSeconds(10)).until(() -> "ACTIVE".equals(status(port)));
    }
    assertThat(lines(proxy, "WARN")).containsExactly("o.r.p.db.PostmasterWatch - embedded PostgreSQL (pid "
        + dead.pid() + ") is gone; restarting it on 127.0.0.1:" + port + " in 1000 ms");
    assertThat(lines(proxy, "INFO")).contains("o.r.p.db.PostmasterWatch - embedded PostgreSQL restarted on "
        + "127.0.0.1:" + port + " (pid " + restarted.pid() + ", attempt 1)");
    assertThat(terminate(proxy)).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> !restarted.isAlive());
  }

  @Test
  void sigtermStopsTheProxyAndItsServerAndExitsZero() throws Exception {
    ProxyProcess proxy = start().awaitReady(FIRST_START);
    ProcessHandle server = postmaster().orElseThrow();
    try (TcpTransport viewer = TcpTransport.connect(new InetSocketAddress("127.0.0.1", proxy.tcpPort()))) {
      ScriptedRfbClient.handshake(viewer, script);
      await().atMost(Duration.ofSeconds(10)).until(() -> "ACTIVE".equals(status(proxy.postgresPort())));

      assertThat(terminate(proxy)).isZero();
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> !server.isAlive());
    assertThat(postmaster()).as("no server left on the directory").isEmpty();
    assertThat(lines(proxy, "WARN")).isEmpty();
    assertThat(lines(proxy, "ERROR")).isEmpty();
    assertThat(lines(proxy, "INFO")).contains("o.r.proxy.StopOnSignal - SIGTERM received",
        "o.r.proxy.ProxyServer - shutting down: closing 1 viewers", "o.r.proxy.ProxyServer - stopped");
  }

  @Test
  void aSecondProxyOnADataDirectoryInUseExitsOneAtOnce() throws Exception {
    ProxyProcess first = start().awaitReady(FIRST_START);
    ProcessHandle server = postmaster().orElseThrow();

    long started = System.nanoTime();
    ProxyProcess second = start();
    int status = second.awaitExit(Duration.ofSeconds(15));
    Duration failed = Duration.ofNanos(System.nanoTime() - started);

    assertThat(status).isEqualTo(1);
    assertThat(failed).as("JVM start included").isLessThan(Duration.ofSeconds(5));
    assertThat(second.output()).isEqualTo("rfb-activity-proxy: startup failed: --data-dir=" + dataDir
        + ": in use by another proxy (pid " + first.pid() + ")\n");
    assertThat(first.admin("/readyz").statusCode()).as("the first proxy is undisturbed").isEqualTo(200);
    assertThat(postmaster()).contains(server);
    assertThat(dataDir.resolve("postgres.log.1")).as("nor its PostgreSQL log rotated").doesNotExist();
    assertThat(terminate(first)).isZero();
  }

  @Test
  void aStalePostmasterPidNamingAnotherProgramLeavesThatProgramAlone() throws Exception {
    assertThat(terminate(start().awaitReady(FIRST_START))).isZero();
    Process unrelated = new ProcessBuilder("sleep", "300").start();
    others.add(unrelated::destroyForcibly);
    // What a killed server leaves, with its pid since reused by another program.
    Files.writeString(pgdata.resolve("postmaster.pid"), unrelated.pid() + "\n" + pgdata + "\n1796300000\n5432\n\n"
        + "localhost\n  2154562     32788\nready   \n", StandardCharsets.US_ASCII);

    ProxyProcess proxy = start().awaitReady(START);

    assertThat(unrelated.isAlive()).isTrue();
    assertThat(lines(proxy, "WARN")).containsExactly("o.r.p.db.EmbeddedServer - removing a stale postmaster.pid in "
        + pgdata + ": pid " + unrelated.pid() + " is now another program");
    assertThat(terminate(proxy)).isZero();
  }

  @Test
  void aShutdownWhileTheServerIsDownIsQuickAndLeavesNoStackTrace() throws Exception {
    ProxyProcess proxy = start().awaitReady(FIRST_START);
    int port = proxy.postgresPort();
    try (TcpTransport viewer = TcpTransport.connect(new InetSocketAddress("127.0.0.1", proxy.tcpPort()))) {
      ScriptedRfbClient.handshake(viewer, script);
      await().atMost(Duration.ofSeconds(10)).until(() -> "ACTIVE".equals(status(port)));
      ProcessHandle dead = postmaster().orElseThrow();
      dead.destroyForcibly();
      // Someone takes the port meanwhile, so that every restart fails and the server stays down.
      await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
        ServerSocket squatter = new ServerSocket();
        try {
          squatter.setReuseAddress(true); // the dead server's connections linger in TIME_WAIT on the port
          squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
          squatter.close();
          throw e;
        }
        others.add(squatter);
        return true;
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.admin("/readyz").body()
          .contains("\"database\":\"embedded PostgreSQL restarting (attempt 2)\""));

      long stopping = System.nanoTime();
      int status = terminate(proxy);
      Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);

      assertThat(status).isZero();
      assertThat(stopped).as("SIGTERM to exit, JVM exit included").isLessThan(Duration.ofSeconds(3));
    }
    assertThat(lines(proxy, "WARN")).contains(
        "o.r.p.db.PostmasterWatch - embedded PostgreSQL restart attempt 1 failed: FATAL: could not create any "
            + "TCP/IP sockets; next attempt in 2 s",
        "o.r.a.ActivityTracker - " + REPLICA + " - closed with 1 sessions' newest values not stored (store: 08)");
    assertThat(lines(proxy, "ERROR")).isEmpty();
    assertThat(proxy.output()).as("no stack trace").doesNotContain("\tat ", "Exception:");
    assertThat(postmaster()).isEmpty();
  }

  private ProxyProcess start() throws IOException {
    ProxyProcess proxy = ProxyProcess.start(dir.resolve("proxy-" + proxies.size() + ".log"),
        "--store", "postgres", "--data-dir", dataDir.toString(), "--target", vnc.target(), "--session-id", "desk",
        "--replica-id", REPLICA, "--flush-tick", "100ms", "--tcp-listen", "127.0.0.1:0", "--ws-listen", "none",
        "--admin-listen", "127.0.0.1:0");
    proxies.add(proxy);
    return proxy;
  }

  /** SIGTERM; the exit status. */
  private static int terminate(ProxyProcess proxy) throws InterruptedException {
    proxy.process().destroy();
    return proxy.awaitExit(Duration.ofSeconds(15));
  }

  /** The log lines of one level, from the logger on (time stamp, level and thread cut off). */
  private static List<String> lines(ProxyProcess proxy, String level) {
    Pattern line = Pattern.compile("^\\S+ " + level + " +\\[[^\\]]+\\] ");
    return Arrays.stream(proxy.output().split("\n"))
        .filter(l -> line.matcher(l).find())
        .map(l -> line.matcher(l).replaceFirst(""))
        .toList();
  }

  /** The running server that postmaster.pid names, if it is a postgres started on this test's data directory. */
  private Optional<ProcessHandle> postmaster() throws IOException {
    Path file = pgdata.resolve("postmaster.pid");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      return Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(lines.get(0).trim()))
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").endsWith("/postgres")
            && Arrays.asList(p.info().arguments().orElse(new String[0])).contains(pgdata.toString()));
  }

  private static String status(int port) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
        "");
        PreparedStatement ps = c.prepareStatement("SELECT state FROM rfb_session_status WHERE session_id = ?")) {
      ps.setString(1, "desk");
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
