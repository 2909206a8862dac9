package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
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

/**
 * The proxy with real PostgreSQL: the embedded default in {@code --data-dir} (and its restart), a graceful
 * shutdown that records every viewer's close, and a database outage the relay rides out while {@code /readyz}
 * says so.
 */
@ExtendWith(LeakWatch.class)
class ShutdownAndStoreIT {

  @TempDir
  Path dir;

  final ExecutorService pool = Executors.newCachedThreadPool();
  final RfbScript script = RfbScript.random(5, 64 * 1024, 4 * 1024);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void embeddedDefaultKeepsItsDataAcrossRestarts() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT)) {
      String[] args = {"--target", server.target(), "--session-id", "desk", "--store", "postgres",
          "--data-dir", dir.resolve("data").toString(), "--flush-tick", "100ms"};
      try (TestProxy proxy = TestProxy.start(args)) {
        assertThat(proxy.server().database().isEmbedded()).isTrue();
        assertThat(proxy.admin("/readyz").body()).contains("\"store\":\"healthy\"");
        try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
          ScriptedRfbClient.run(viewer, script, pool);
        }
        await().atMost(Duration.ofSeconds(10))
            .until(() -> "DISCONNECTED".equals(status(proxy.server().database().dataSource(), "desk")));
      }
      try (TestProxy again = TestProxy.start(args)) {
        assertThat(status(again.server().database().dataSource(), "desk")).as("kept in --data-dir")
            .isEqualTo("DISCONNECTED");
      }
    }
  }

  @Test
  void shutdownRecordsEveryViewersClose() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT)) {
      TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk", "--store", "postgres",
          "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"), "--flush-tick", "100ms");
      try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
        ScriptedRfbClient.handshake(viewer, script);
        await().atMost(Duration.ofSeconds(10)).until(() -> "ACTIVE".equals(status(pg.getPostgresDatabase(), "desk")));

        proxy.close();

        viewer.socket().setSoTimeout(10_000);
        while (viewer.in().read(new byte[8192]) >= 0) {
          // what the server sent before the shutdown, then the end
        }
        assertThat(status(pg.getPostgresDatabase(), "desk")).as("written by the final flush").isEqualTo("DISCONNECTED");
      }
    }
  }

  @Test
  void theRelayRidesOutADatabaseOutageAndReadinessSaysSo() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path pgData = dir.resolve("pg");
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port).setDataDirectory(pgData)
        .setCleanDataDirectory(false).start();
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk", "--store", "postgres",
            "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"), "--flush-tick", "100ms")) {
      assertThat(proxy.admin("/readyz").statusCode()).isEqualTo(200);
      pg.close();

      try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
        assertThat(ScriptedRfbClient.run(viewer, script, pool)).as("relayed while the database is down")
            .isEqualTo(RfbScript.sha256(script.serverStream()));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
          HttpResponse<String> ready = proxy.admin("/readyz");
          assertThat(ready.statusCode()).isEqualTo(503);
          assertThat(ready.body()).contains("\"ready\":false", "\"store\":\"unhealthy: ");
        });
        assertThat(proxy.admin("/api/sessions/desk").body()).as("the live view does not need the database")
            .contains("\"state\":\"ACTIVE\"");
      }

      pg = EmbeddedPostgres.builder().setPort(port).setDataDirectory(pgData).setCleanDataDirectory(false).start();
      DataSource ds = pg.getPostgresDatabase();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(proxy.admin("/readyz").statusCode()).isEqualTo(200);
        assertThat(status(ds, "desk")).as("the newest state, written once the database is back")
            .isEqualTo("DISCONNECTED");
      });
    } finally {
      pg.close();
    }
  }

  private static String status(DataSource ds, String sessionId) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT state FROM rfb_session_status WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
