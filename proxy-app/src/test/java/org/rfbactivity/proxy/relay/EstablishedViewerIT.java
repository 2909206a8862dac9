package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * A connection is a viewer only once its RFB handshake reached the client-message phase. A load balancer's TCP
 * health check, a port scan, a WebSocket upgrade that closes at once, or a viewer that gives up at the password prompt
 * is counted as refused ({@code handshake_failed}) and touches no session state: an idle desktop stays idle and can
 * hibernate.
 */
@ExtendWith(LeakWatch.class)
class EstablishedViewerIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int BARE_TCP = 20;
  static final int BARE_WS = 5;

  final RfbScript script = RfbScript.random(17, 4096, 256);

  @Test
  void bareConnectsNeitherOpenAViewerNorCountAsActivity() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--active-window", "2s", "--persist-interval", "1s", "--flush-tick", "100ms");
        TcpTransport real = TcpTransport.connect(proxy.tcp())) {
      ScriptedRfbClient.handshake(real, script);
      await().atMost(Duration.ofSeconds(10)).until(() -> "CONNECTED_IDLE".equals(session(proxy).get("state").asText()));
      String lastActivity = session(proxy).get("lastActivity").asText();

      bareConnects(proxy);

      await().atMost(Duration.ofSeconds(10)).until(() -> refused(proxy, "handshake_failed") == BARE_TCP + BARE_WS);
      JsonNode after = session(proxy);
      assertThat(after.get("state").asText()).isEqualTo("CONNECTED_IDLE");
      assertThat(after.get("lastActivity").asText()).isEqualTo(lastActivity);
      assertThat(after.get("viewers")).as("only the real viewer").hasSize(1);
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.viewers.opened").tag("frontend", "tcp").counter()
          .count()).isEqualTo(1.0);
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.viewers.opened").tag("frontend", "ws").counter()
          .count()).isZero();
    }
  }

  @Test
  void aSessionWithoutViewersStaysWithoutViewersWhateverConnects() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk")) {
      bareConnects(proxy);
      await().atMost(Duration.ofSeconds(10)).until(() -> refused(proxy, "handshake_failed") == BARE_TCP + BARE_WS);
      // The static route's session is known from the start: DISCONNECTED, and no viewer ever connected.
      var desk = JSON.readTree(proxy.admin("/api/sessions/desk").body());
      assertThat(desk.get("state").asText()).isEqualTo("DISCONNECTED");
      assertThat(desk.get("lastConnectAt").isNull()).isTrue();
      assertThat(desk.get("lastCause").isNull()).isTrue();
      assertThat(JSON.readTree(proxy.admin("/api/sessions").body())).extracting(s -> s.get("sessionId").asText())
          .containsExactly("desk");
    }
  }

  /** With PostgreSQL: a health check every second never moves {@code last_activity}, nor adds a viewer row. */
  @Test
  void bareConnectsNeverWriteTheDatabase() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--store", "postgres", "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"),
            "--active-window", "2s", "--persist-interval", "1s", "--flush-tick", "100ms")) {
      try (TcpTransport real = TcpTransport.connect(proxy.tcp())) {
        ScriptedRfbClient.handshake(real, script);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> viewerRows(pg) == 0 && lastActivity(pg) != null);
      Timestamp before = lastActivity(pg);

      bareConnects(proxy);
      await().atMost(Duration.ofSeconds(10)).until(() -> refused(proxy, "handshake_failed") == BARE_TCP + BARE_WS);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
          .until(() -> before.equals(lastActivity(pg)) && viewerRows(pg) == 0);
    }
  }

  /** Connect and close on the raw TCP frontend; upgrade and close on the WebSocket one. */
  private static void bareConnects(TestProxy proxy) throws Exception {
    for (int i = 0; i < BARE_TCP; i++) {
      new Socket("127.0.0.1", proxy.tcp().getPort()).close();
    }
    for (int i = 0; i < BARE_WS; i++) {
      try (Socket s = new Socket("127.0.0.1", proxy.ws().getPort())) {
        s.getOutputStream().write(("GET /websockify HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
          head.append((char) in.read());
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101 ");
      }
    }
  }

  private static JsonNode session(TestProxy proxy) throws Exception {
    return JSON.readTree(proxy.admin("/api/sessions/desk").body());
  }

  private static double refused(TestProxy proxy, String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", reason).counter().count();
  }

  private static Timestamp lastActivity(EmbeddedPostgres pg) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_activity FROM rfb_session_activity WHERE session_id = 'desk'")) {
      return rs.next() ? rs.getTimestamp(1) : null;
    }
  }

  private static long viewerRows(EmbeddedPostgres pg) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM rfb_viewer")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
