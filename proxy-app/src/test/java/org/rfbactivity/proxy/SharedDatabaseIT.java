package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.ProxyCommand;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * Two proxy replicas (--replica-id) sharing one PostgreSQL with a host platform shaped like StreamSpace, whose own
 * {@code sessions.last_activity TIMESTAMP WITHOUT TIME ZONE} column is kept current by --mirror-sql in the same
 * transaction as the proxy's own rows.
 */
@ExtendWith(LeakWatch.class)
class SharedDatabaseIT {

  static final String MIRROR =
      "UPDATE sessions SET last_activity = GREATEST(last_activity, :last_activity) WHERE id = :session_id";
  /** StreamSpace's value before the proxy: written by its own code, long ago. */
  static final LocalDateTime BEFORE = LocalDateTime.of(2020, 1, 1, 0, 0);

  static EmbeddedPostgres pg;
  static DataSource db;

  final RfbScript script = RfbScript.random(11, 4096, 256);

  @BeforeAll
  static void database() throws Exception {
    pg = EmbeddedPostgres.builder().start();
    db = pg.getPostgresDatabase();
    // A session time zone far from UTC: a mirror that converted with it instead of UTC would be off by 13 hours.
    execute("ALTER DATABASE postgres SET TimeZone TO 'Pacific/Auckland'");
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    pg.close();
  }

  @BeforeEach
  void streamSpaceSessions() throws Exception {
    execute("DROP TABLE IF EXISTS sessions");
    execute("CREATE TABLE sessions (id VARCHAR PRIMARY KEY, last_activity TIMESTAMP WITHOUT TIME ZONE)");
    execute("INSERT INTO sessions VALUES ('desk-ss', '" + BEFORE + "'), ('other', '" + BEFORE + "')");
  }

  @Test
  void twoReplicasShareTheDatabaseAndTheMirrorKeepsTheHostColumnCurrent() throws Exception {
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy a = replica(server, "proxy-a");
        TestProxy b = replica(server, "proxy-b")) {
      TcpTransport viaA = TcpTransport.connect(a.tcp());
      TcpTransport viaB = TcpTransport.connect(b.tcp());
      ScriptedRfbClient.handshake(viaA, script);
      ScriptedRfbClient.handshake(viaB, script);

      // Each replica owns its viewer's row; the view counts both.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(strings("SELECT replica_id FROM rfb_viewer WHERE session_id = 'desk-ss' ORDER BY replica_id"))
            .containsExactly("proxy-a", "proxy-b");
        assertThat(strings("SELECT state || ' ' || viewers FROM rfb_session_status WHERE session_id = 'desk-ss'"))
            .containsExactly("ACTIVE 2");
      });
      // The opens raised last_activity, and the mirror wrote the same instant as UTC wall time into StreamSpace's
      // column, in the database's own time zone notwithstanding.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(mirrored()).isEqualTo(stored()));
      LocalDateTime opened = mirrored();
      assertThat(opened).isAfter(BEFORE);
      assertThat(hostColumn("other")).as("another session's row is not touched").isEqualTo(BEFORE);

      // Input through replica A: the stored row and StreamSpace's column advance together.
      AtomicReference<LocalDateTime> moved = new AtomicReference<>();
      byte[] pointerMove = {5, 0, 0, 100, 0, 100};          // PointerEvent: buttons 0, x 100, y 100
      viaA.write(pointerMove, 0, pointerMove.length);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        moved.set(mirrored());
        assertThat(moved.get()).isAfter(opened).isEqualTo(stored());
      });

      // A viewer leaving one replica leaves the session to the other; the last one leaving disconnects it.
      viaA.close();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
          strings("SELECT replica_id || ' ' || viewers FROM rfb_viewer JOIN rfb_session_status USING (session_id) "
              + "WHERE session_id = 'desk-ss'")).containsExactly("proxy-b 1"));
      viaB.close();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
          strings("SELECT state FROM rfb_session_status WHERE session_id = 'desk-ss'")).containsExactly("DISCONNECTED"));
      assertThat(mirrored()).as("closing is not activity").isEqualTo(moved.get());
    }
  }

  @Test
  void aMirrorTheDatabaseRefusesStopsTheStart() {
    String broken = "UPDATE sesions SET last_activity = :last_activity WHERE id = :session_id";
    ProxyServer server = new ProxyServer(ProxyCommand.parse(new String[] {"--target", "127.0.0.1:5999",
        "--session-id", "desk-ss", "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"), "--mirror-sql", broken,
        "--tcp-listen", "127.0.0.1:0", "--ws-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"},
        java.util.Map.of()).config());

    assertThatThrownBy(server::start).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--mirror-sql=" + broken + ": refused by the database: SQLSTATE 42P01 ")
        .hasMessageContaining("\"sesions\" does not exist");
    assertThat(server.tcpAddress()).as("nothing listens").isNull();
  }

  @Test
  void theMirrorCheckCommitsNothing() throws Exception {
    // A sequence is not transactional: it shows that the check ran the statement, which also updated desk-ss.
    execute("DROP SEQUENCE IF EXISTS mirror_ran");
    execute("CREATE SEQUENCE mirror_ran");
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk-ss",
        "--store", "postgres", "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"),
        "--mirror-sql", "UPDATE sessions SET last_activity = :last_activity WHERE (id = :session_id OR "
            + "id = 'desk-ss') AND nextval('mirror_ran') > 0")) {
      assertThat(proxy.server().readiness().ready()).isTrue();
    }
    assertThat(strings("SELECT is_called FROM mirror_ran")).as("the check ran the mirror").containsExactly("t");
    assertThat(hostColumn("desk-ss")).as("the probe write was rolled back").isEqualTo(BEFORE);
    assertThat(strings("SELECT session_id FROM rfb_session_activity WHERE session_id = 'rfba-mirror-check'")).isEmpty();
  }

  private TestProxy replica(ScriptedRfbServer server, String replicaId) {
    return TestProxy.start("--target", server.target(), "--session-id", "desk-ss", "--store", "postgres",
        "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"), "--replica-id", replicaId, "--mirror-sql", MIRROR,
        "--active-window", "3s", "--persist-interval", "1s", "--flush-tick", "100ms");
  }

  /** StreamSpace's column for desk-ss, as stored (wall time, meant as UTC). */
  private static LocalDateTime mirrored() throws SQLException {
    return hostColumn("desk-ss");
  }

  private static LocalDateTime hostColumn(String id) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT last_activity FROM sessions WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getObject(1, LocalDateTime.class);
      }
    }
  }

  /** The proxy's own last_activity for desk-ss as UTC wall time. */
  private static LocalDateTime stored() throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT last_activity FROM rfb_session_activity WHERE session_id = 'desk-ss'")) {
      assertThat(rs.next()).isTrue();
      return rs.getObject(1, java.time.OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
  }

  private static List<String> strings(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
