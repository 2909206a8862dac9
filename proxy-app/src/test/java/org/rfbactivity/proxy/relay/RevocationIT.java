package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.route.RoutePolicy;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;
import org.slf4j.LoggerFactory;

/**
 * Live viewers closed because their routing source withdrew them (docs/architecture.md#policy-closes): a token
 * removed from (or moved in) the token file, a JWT past its {@code exp}, a route-query row deleted. Real proxy, real
 * WebSocket viewers, a real file and a real PostgreSQL; only the withdrawn viewers close, each with its reason's code.
 */
@ExtendWith(LeakWatch.class)
class RevocationIT {

  static final int SERVER_BYTES = 1024;
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;

  final RfbScript script = RfbScript.random(5, SERVER_BYTES, 64);
  ScriptedRfbServer desk1;
  ScriptedRfbServer desk2;

  final ListAppender<ILoggingEvent> viewerLog = new ListAppender<>();

  @BeforeEach
  void watchTheViewerLog() {
    viewerLog.start();
    ((Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer")).addAppender(viewerLog);
  }

  @AfterEach
  void stopWatching() {
    ((Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer")).detachAppender(viewerLog);
  }

  @BeforeEach
  void servers() throws Exception {
    desk1 = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
    desk2 = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
  }

  @AfterEach
  void stop() throws Exception {
    desk1.close();
    desk2.close();
  }

  /**
   * Without any new viewer arriving, the periodic check notices the edit: the viewer of the removed token and the one
   * whose token now leads elsewhere get 4004 "token revoked"; the viewer whose token stays, and the one whose line
   * only changed its options, stay.
   */
  @Test
  void aTokenRemovedFromTheFileClosesExactlyItsViewers() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alpha: " + desk1.target() + "\nbeta: " + desk1.target() + "\ngamma: " + desk2.target()
        + "\ndelta: " + desk2.target() + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--token-file", tokens.toString(), "--token-file-check", "200ms");
        WsTransport alpha = viewer(proxy, "alpha");
        WsTransport beta = viewer(proxy, "beta");
        WsTransport gamma = viewer(proxy, "gamma");
        WsTransport delta = viewer(proxy, "delta")) {
      await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 4);

      Files.writeString(tokens, "beta: " + desk1.target() + "\ngamma: " + desk1.target() + "\ndelta: "
          + desk2.target() + " idle_disconnect=30m\n", StandardCharsets.UTF_8);
      Files.setLastModifiedTime(tokens, FileTime.from(Instant.now().plusSeconds(5)));

      assertThat(alpha.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4004);
      assertThat(alpha.closeText().get()).isEqualTo("token revoked");
      assertThat(gamma.closeCode().get(10, TimeUnit.SECONDS)).as("now routed elsewhere").isEqualTo(4004);
      await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 2);
      assertThat(closed(proxy, CloseReason.TOKEN_REVOKED)).isEqualTo(2.0);
      assertStillOpen(beta, delta);
      assertThat(closeReasons()).containsExactly(
          "token_revoked detail=\"--token-file no longer routes its token there\"",
          "token_revoked detail=\"--token-file no longer routes its token there\"");
    }
  }

  /** A file that cannot be read revokes nothing: the last good table stands. */
  @Test
  void aTokenFileThatDisappearsRevokesNothing() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alpha: " + desk1.target() + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--token-file", tokens.toString(), "--token-file-check", "100ms");
        WsTransport alpha = viewer(proxy, "alpha")) {
      await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 1);

      Files.delete(tokens);

      await().atMost(WAIT).until(() -> proxy.admin("/readyz").body().contains("token file unreadable"));
      assertStillOpen(alpha);
      assertThat(closed(proxy, CloseReason.TOKEN_REVOKED)).isZero();
    }
  }

  /** The viewer is closed at its token's exp with 4005 "token expired"; one whose token lives on stays. */
  @Test
  void aJwtViewerIsClosedAtItsTokensExpiry() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET, StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--jwt-secret-file", secret.toString())) {
      Instant soon = soon();
      WsTransport shortLived = viewer(proxy, jwt(desk1.target(), soon, null));
      WsTransport longLived = viewer(proxy, jwt(desk2.target(), soon.plusSeconds(600), null));

      assertThat(shortLived.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4005);
      assertThat(Instant.now()).as("not before its exp").isAfterOrEqualTo(soon);
      assertThat(shortLived.closeText().get()).isEqualTo("token expired");
      await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 1);
      assertThat(closed(proxy, CloseReason.TOKEN_EXPIRED)).isEqualTo(1.0);
      assertStillOpen(longLived);
      shortLived.close();
      longLived.close();
    }
  }

  /** An exp 2 to 3 s ahead: a JWT's exp is in whole seconds, and the viewer needs a moment to connect. */
  private static Instant soon() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
  }

  @Test
  void withoutCloseOnTokenExpiryTheViewerOutlivesItsToken() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET, StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--jwt-secret-file", secret.toString(), "--close-on-token-expiry",
        "false")) {
      Instant soon = soon();
      WsTransport viewer = viewer(proxy, jwt(desk1.target(), soon, null));
      await().atMost(WAIT).until(() -> Instant.now().isAfter(soon.plusMillis(500)));

      assertStillOpen(viewer);
      assertThat(closed(proxy, CloseReason.TOKEN_EXPIRED)).isZero();
      viewer.close();
    }
  }

  /** The claim's options reach the viewer's route exactly; a malformed claim is refused before any relay. */
  @Test
  void aJwtPolicyClaimReachesTheRouteAndAMalformedOneIsRefused() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET, StandardCharsets.UTF_8);
    Instant exp = Instant.now().plusSeconds(600);
    try (TestProxy proxy = TestProxy.start("--jwt-secret-file", secret.toString());
        WsTransport viewer = viewer(proxy, jwt(desk1.target(), exp, Map.of("idle_disconnect", "30m",
            "max_session_duration", 28800)))) {
      await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 1);
      ViewerConnection connection = proxy.server().viewers().bySession("desk").get(0);

      assertThat(connection.description().route().policy()).isEqualTo(new RoutePolicy(Duration.ofMinutes(30), null,
          Duration.ofHours(8), null, null));

      Throwable refused = catchThrowable(() -> WsTransport.connect(proxy.wsUri("/websockify?token="
          + jwt(desk1.target(), exp, Map.of("idle_disconnect", "0s"))), null));
      assertThat(refused).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
      assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(403);
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", "route").counter()
          .count()).isEqualTo(1.0);
    }
  }

  /** With --route-recheck, a deleted row closes its viewer with 4006 "route removed"; others stay. */
  @Test
  void aRouteQueryRowDeletedClosesItsViewer() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE desks (token text PRIMARY KEY, session_id text, host text, port int)");
        s.execute("INSERT INTO desks VALUES ('r-1', 'desk-1', '127.0.0.1', " + desk1.port() + "),"
            + " ('r-2', 'desk-2', '127.0.0.1', " + desk2.port() + ")");
      }
      try (TestProxy proxy = TestProxy.start("--route-query",
          "SELECT host, port, session_id FROM desks WHERE token = ?", "--jdbc-url", pg.getJdbcUrl("postgres",
              "postgres"), "--route-recheck", "200ms");
          WsTransport one = viewer(proxy, "r-1");
          WsTransport two = viewer(proxy, "r-2")) {
        await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 2);

        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
          s.execute("DELETE FROM desks WHERE token = 'r-1'");
        }

        assertThat(one.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4006);
        assertThat(one.closeText().get()).isEqualTo("route removed");
        await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 1);
        assertThat(closed(proxy, CloseReason.ROUTE_REMOVED)).isEqualTo(1.0);
        assertStillOpen(two);
      }
    }
  }

  /** A database that stops answering revokes nothing, and says so once, not at every pass. */
  @Test
  void aRouteRecheckAgainstADatabaseThatIsGoneRevokesNothing() throws Exception {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger(RouteRevoker.class);
    logger.addAppender(log);
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    try {
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE desks (token text PRIMARY KEY, host text, port int)");
        s.execute("INSERT INTO desks VALUES ('r-1', '127.0.0.1', " + desk1.port() + ")");
      }
      try (TestProxy proxy = TestProxy.start("--route-query", "SELECT host, port FROM desks WHERE token = ?",
          "--jdbc-url", pg.getJdbcUrl("postgres", "postgres"), "--route-recheck", "100ms");
          WsTransport one = viewer(proxy, "r-1")) {
        await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 1);

        pg.close();

        await().atMost(WAIT).until(() -> !warnings(log).isEmpty());
        assertStillOpen(one);
        // The first failing pass meets either a pooled connection the shutdown terminated (57P01) or no server (08001).
        assertThat(warnings(log)).as("once, not at every pass").singleElement().asString().matches(
            "route revocation check failed \\(route query failed: SQLSTATE (57P01|08001)\\); no viewer is closed for "
                + "it until it works again");
        assertThat(closed(proxy, CloseReason.ROUTE_REMOVED)).isZero();
      }
    } finally {
      logger.detachAppender(log);
      pg.close();
    }
  }

  /** The {@code reason=…} of each {@code viewer close} line so far. */
  private List<String> closeReasons() {
    return List.copyOf(viewerLog.list).stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith("viewer close ")).map(m -> m.substring(m.lastIndexOf(" reason=") + 8)).toList();
  }

  private static List<String> warnings(ListAppender<ILoggingEvent> log) {
    return List.copyOf(log.list).stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** A WebSocket viewer by {@code token}, past its handshake and the server's first bytes. */
  private WsTransport viewer(TestProxy proxy, String token) throws Exception {
    WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify?token=" + token), null);
    ScriptedRfbClient.handshake(viewer, script);
    assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
    return viewer;
  }

  /** Open for another half second: nothing closes them in that time. */
  private static void assertStillOpen(WsTransport... viewers) {
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> {
      for (WsTransport v : viewers) {
        if (v.closeCode().isDone()) {
          return false;
        }
      }
      return true;
    });
  }

  private static double closed(TestProxy proxy, CloseReason reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", reason.label()).counter()
        .count();
  }

  private static String jwt(String target, Instant exp, Map<String, Object> policy) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("session_id", "desk").claim("target", target)
        .expirationTime(Date.from(exp));
    if (policy != null) {
      claims.claim("rfba", policy);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
