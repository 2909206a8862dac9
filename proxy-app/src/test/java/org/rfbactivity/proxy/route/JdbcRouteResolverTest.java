package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.rfb.InputClass;

class JdbcRouteResolverTest {

  static EmbeddedPostgres pg;
  static DataSource ds;

  @BeforeAll
  static void database() throws IOException, SQLException {
    pg = EmbeddedPostgres.builder().start();
    ds = pg.getPostgresDatabase();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE desktops (session_id text PRIMARY KEY, token text UNIQUE, vnc_host text, vnc_port int)");
      s.execute("INSERT INTO desktops VALUES ('desk-1', 'tok-1', '10.0.0.1', 5901), ('desk-2', 'tok-2', 'desk-2.lan', 5902),"
          + " ('desk-3', 'tok-3', '10.0.0.3', 0)");
    }
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  static JdbcRouteResolver resolver(String sql) {
    return new JdbcRouteResolver(new Routing.RouteQuery(sql), ds);
  }

  @Test
  void byTokenWithASessionColumn() throws Exception {
    JdbcRouteResolver r = resolver(
        "SELECT vnc_host AS host, vnc_port AS port, session_id FROM desktops WHERE token = ?");

    assertThat(r.resolve(new RouteRequest(null, "tok-2")))
        .isEqualTo(new Route("desk-2", new HostPort("desk-2.lan", 5902), "route-query", RoutePolicy.NONE,
            RouteOrigin.routeQuery(new RouteRequest(null, "tok-2"))));
    assertThat(r.resolve(new RouteRequest("desk-2", "tok-2")).sessionId()).isEqualTo("desk-2");
    assertThatThrownBy(() -> r.resolve(new RouteRequest("desk-1", "tok-2")))
        .hasMessage("path session id does not match the route");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "tok-9"))).hasMessage("unknown token");
    assertThat(r.blocking()).isTrue();
  }

  @Test
  void byPathIdWithoutASessionColumn() throws Exception {
    JdbcRouteResolver r = resolver("SELECT vnc_host AS host, vnc_port AS port FROM desktops WHERE session_id = ?");

    assertThat(r.resolve(new RouteRequest("desk-1", null)))
        .isEqualTo(new Route("desk-1", new HostPort("10.0.0.1", 5901), "route-query", RoutePolicy.NONE,
            RouteOrigin.routeQuery(new RouteRequest("desk-1", null))));
    assertThatThrownBy(() -> r.resolve(new RouteRequest("desk-9", null))).hasMessage("unknown session id");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, null))).hasMessage("missing token or session id");
  }

  @Test
  void byTokenWithoutASessionColumnTheTargetIsTheSession() throws Exception {
    JdbcRouteResolver r = resolver("SELECT vnc_host AS host, vnc_port AS port FROM desktops WHERE token = ?");

    assertThat(r.resolve(new RouteRequest(null, "tok-1")).sessionId()).as("never the token").isEqualTo("10.0.0.1:5901");
  }

  @Test
  void aBadRowIsRefused() {
    JdbcRouteResolver r = resolver("SELECT vnc_host AS host, vnc_port AS port FROM desktops WHERE token = ?");

    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "tok-3")))
        .hasMessage("route query returned a bad target: host is null or port < 1");
  }

  @Test
  void theQueryIsCheckedAtStart() {
    String twoParams = "SELECT vnc_host AS host, vnc_port AS port FROM desktops WHERE token = ? AND session_id = ?";
    assertThatThrownBy(() -> resolver(twoParams)).isInstanceOf(ConfigException.class)
        .hasMessage("--route-query=" + twoParams + ": expected exactly one ? parameter, found 2");
    String noPort = "SELECT vnc_host AS host FROM desktops WHERE token = ?";
    assertThatThrownBy(() -> resolver(noPort))
        .hasMessage("--route-query=" + noPort + ": must return columns named host and port");
    String typo = "SELECT host, port FROM desktop WHERE token = ?";
    assertThatThrownBy(() -> resolver(typo))
        .hasMessageStartingWith("--route-query=" + typo + ": cannot be prepared: SQLSTATE 42P01");
  }

  @Test
  void aDatabaseThatStopsAnsweringMakesTheRouteUnavailable() throws Exception {
    EmbeddedPostgres other = EmbeddedPostgres.builder().start();
    DataSource otherDs = other.getPostgresDatabase();
    try (Connection c = otherDs.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (token text, host text, port int)");
    }
    JdbcRouteResolver r = new JdbcRouteResolver(
        new Routing.RouteQuery("SELECT host, port FROM t WHERE token = ?"), otherDs);
    other.close(); // the database goes away under the resolver

    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "x")))
        .isInstanceOfSatisfying(RouteRefusedException.class, e -> assertThat(e.unavailable()).isTrue())
        .hasMessage("route query failed: SQLSTATE 08001");
  }

  /** Each option's column in each type the README names: interval, text, integer and numeric seconds; NULL sets none. */
  @Test
  void policyColumnsOfEachType() throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE policed (token text, host text, port int, idle interval, warn text, max_s int,"
          + " blind numeric)");
      s.execute("INSERT INTO policed VALUES ('p-1', '10.0.0.1', 5901, '00:30:00', '45s', 28800, 600),"
          + " ('p-2', '10.0.0.2', 5902, '1 day 02:00:00.5', 'PT2M', NULL, NULL),"
          + " ('p-3', '10.0.0.3', 5903, NULL, NULL, NULL, NULL),"
          + " ('p-4', '10.0.0.4', 5904, '1 mon', NULL, NULL, NULL),"
          + " ('p-5', '10.0.0.5', 5905, NULL, 'soon', NULL, NULL),"
          + " ('p-6', '10.0.0.6', 5906, NULL, NULL, -60, NULL),"
          + " ('p-7', '10.0.0.7', 5907, NULL, NULL, NULL, 1.5),"
          + " ('p-8', '10.0.0.8', 5908, '00:00:00', NULL, NULL, NULL),"
          + " ('p-9', '10.0.0.9', 5909, NULL, '5m', NULL, NULL),"
          + " ('p-10', '10.0.0.10', 5910, '367 days', NULL, NULL, NULL),"
          + " ('p-11', '10.0.0.11', 5911, NULL, NULL, 31622401, NULL)");
    }
    JdbcRouteResolver r = resolver("SELECT host, port, idle AS idle_disconnect, warn AS IDLE_WARNING,"
        + " max_s AS max_session_duration, blind AS blind_max_duration FROM policed WHERE token = ?");

    assertThat(r.resolve(new RouteRequest(null, "p-1")).policy()).isEqualTo(new RoutePolicy(Duration.ofMinutes(30),
        Duration.ofSeconds(45), Duration.ofHours(8), null, Duration.ofMinutes(10)));
    assertThat(r.resolve(new RouteRequest(null, "p-2")).policy()).isEqualTo(new RoutePolicy(
        Duration.ofHours(26).plusMillis(500), Duration.ofMinutes(2), null, null, null));
    assertThat(r.resolve(new RouteRequest(null, "p-3")).policy()).isSameAs(RoutePolicy.NONE);
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "p-4"))).hasMessage("route query column "
        + "idle_disconnect: expected whole seconds, an interval such as 00:30:00 or a duration such as 30m");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "p-5"))).hasMessage("route query column "
        + "idle_warning: expected whole seconds, an interval such as 00:30:00 or a duration such as 30m");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "p-6")))
        .hasMessage("route query column max_session_duration: must be greater than zero");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "p-7")))
        .hasMessage("route query column blind_max_duration: expected whole seconds");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "p-8")))
        .isInstanceOfSatisfying(RouteRefusedException.class, e -> assertThat(e.unavailable()).isFalse())
        .hasMessage("route query column idle_disconnect: must be greater than zero");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "p-9")))
        .hasMessage("route query columns: idle_warning needs idle_disconnect on the same route");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "p-10")))
        .hasMessage("route query column idle_disconnect: must be at most 8784h (366 days)");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "p-11")))
        .hasMessage("route query column max_session_duration: must be at most 8784h (366 days)");
  }

  /**
   * The input permission columns in each type the README names: boolean and text view_only, text and text[]
   * input_permissions; NULL sets none; a value that does not parse refuses the viewer without repeating it.
   */
  @Test
  void inputPermissionColumnsOfEachType() throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kiosks (token text, host text, port int, ro boolean, ro_text text, perms text,"
          + " perm_list text[])");
      s.execute("INSERT INTO kiosks VALUES ('k-1', '10.0.0.1', 5901, true, NULL, NULL, NULL),"
          + " ('k-2', '10.0.0.2', 5902, false, NULL, NULL, NULL),"
          + " ('k-3', '10.0.0.3', 5903, NULL, 'TRUE', NULL, NULL),"
          + " ('k-4', '10.0.0.4', 5904, NULL, NULL, 'pointer-motion, pointer-buttons', NULL),"
          + " ('k-5', '10.0.0.5', 5905, NULL, NULL, NULL, '{keys,clipboard}'),"
          + " ('k-6', '10.0.0.6', 5906, NULL, NULL, NULL, '{}'),"
          + " ('k-7', '10.0.0.7', 5907, NULL, NULL, NULL, NULL),"
          + " ('k-8', '10.0.0.8', 5908, NULL, NULL, 'keys,mouse', NULL),"
          + " ('k-9', '10.0.0.9', 5909, NULL, 'yes', NULL, NULL),"
          + " ('k-10', '10.0.0.10', 5910, NULL, NULL, NULL, '{keys,SECRET}'),"
          + " ('k-11', '10.0.0.11', 5911, true, NULL, 'keys', NULL)");
    }
    JdbcRouteResolver bool = resolver("SELECT host, port, ro AS view_only, perms AS input_permissions FROM kiosks"
        + " WHERE token = ?");
    JdbcRouteResolver text = resolver("SELECT host, port, ro_text AS VIEW_ONLY, perm_list AS input_permissions"
        + " FROM kiosks WHERE token = ?");

    assertThat(permissions(bool, "k-1")).isEqualTo(InputPermissions.none());
    assertThat(permissions(bool, "k-2")).isEqualTo(InputPermissions.all());
    assertThat(permissions(text, "k-3")).isEqualTo(InputPermissions.none());
    assertThat(permissions(bool, "k-4")).isEqualTo(InputPermissions.of(InputClass.POINTER_MOTION,
        InputClass.POINTER_BUTTONS));
    assertThat(permissions(text, "k-5")).isEqualTo(InputPermissions.of(InputClass.KEYS, InputClass.CLIPBOARD));
    assertThat(permissions(text, "k-6")).as("an empty array: no class").isEqualTo(InputPermissions.none());
    assertThat(bool.resolve(new RouteRequest(null, "k-7")).policy()).isSameAs(RoutePolicy.NONE);
    assertThatThrownBy(() -> bool.resolve(new RouteRequest(null, "k-8")))
        .isInstanceOfSatisfying(RouteRefusedException.class, e -> assertThat(e.unavailable()).isFalse())
        .hasMessage("route query column input_permissions: expected all, none or a comma list of keys,"
            + "pointer-motion,pointer-buttons,clipboard,desktop-resize,xvp");
    assertThatThrownBy(() -> text.resolve(new RouteRequest(null, "k-9")))
        .hasMessage("route query column view_only: expected true or false");
    assertThatThrownBy(() -> text.resolve(new RouteRequest(null, "k-10")))
        .hasMessage("route query column input_permissions: expected a list of keys,pointer-motion,pointer-buttons,"
            + "clipboard,desktop-resize,xvp");
    assertThatThrownBy(() -> bool.resolve(new RouteRequest(null, "k-11")))
        .hasMessage("route query columns: view_only and input_permissions both given");
  }

  private static InputPermissions permissions(JdbcRouteResolver r, String token) throws RouteRefusedException {
    return r.resolve(new RouteRequest(null, token)).policy().inputPermissions();
  }

  /**
   * The recheck: a route whose row is deleted, or now leads to another target or session, is withdrawn; one whose row
   * only changed its policy is not; viewers of one token share one answer.
   */
  @Test
  void withdrawnRoutesAreThoseTheQueryNoLongerGives() throws Exception {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE rechecked (token text, session_id text, host text, port int, idle text)");
      s.execute("INSERT INTO rechecked VALUES ('r-1', 'desk-1', '10.0.0.1', 5901, NULL),"
          + " ('r-2', 'desk-2', '10.0.0.2', 5902, NULL), ('r-3', 'desk-3', '10.0.0.3', 5903, NULL),"
          + " ('r-4', 'desk-4', '10.0.0.4', 5904, NULL), ('r-5', 'desk-5', '10.0.0.5', 5905, '30m')");
    }
    JdbcRouteResolver r = resolver("SELECT host, port, session_id, idle AS idle_disconnect FROM rechecked"
        + " WHERE token = ?");
    List<Route> live = new ArrayList<>();
    for (String token : List.of("r-1", "r-2", "r-3", "r-4", "r-5", "r-2")) {
      live.add(r.resolve(new RouteRequest(null, token)));
    }
    live.add(new Route("desk-9", new HostPort("10.0.0.9", 5909), "route-query")); // nothing to re-run
    assertThat(r.withdrawn(live)).as("nothing changed").isEqualTo(new BitSet());

    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("DELETE FROM rechecked WHERE token = 'r-2'");
      s.execute("UPDATE rechecked SET port = 5999 WHERE token = 'r-3'");
      s.execute("UPDATE rechecked SET session_id = 'desk-40' WHERE token = 'r-4'");
      s.execute("UPDATE rechecked SET idle = '1h' WHERE token = 'r-5'");
    }

    assertThat(r.withdrawn(live)).isEqualTo(BitSet.valueOf(new long[] {0b101110}));
  }

  @Test
  void aRecheckAgainstADatabaseThatIsGoneWithdrawsNothing() throws Exception {
    EmbeddedPostgres other = EmbeddedPostgres.builder().start();
    DataSource otherDs = other.getPostgresDatabase();
    try (Connection c = otherDs.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (token text, host text, port int)");
      s.execute("INSERT INTO t VALUES ('x', '10.0.0.1', 5901)");
    }
    JdbcRouteResolver r = new JdbcRouteResolver(
        new Routing.RouteQuery("SELECT host, port FROM t WHERE token = ?"), otherDs);
    List<Route> live = List.of(r.resolve(new RouteRequest(null, "x")));
    other.close();

    assertThatThrownBy(() -> r.withdrawn(live))
        .isInstanceOfSatisfying(RouteRefusedException.class, e -> assertThat(e.unavailable()).isTrue())
        .hasMessage("route query failed: SQLSTATE 08001");
  }
}
