package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;

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
}
