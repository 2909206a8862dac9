package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Received;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;
import org.rfbactivity.rfb.InputClass;
import org.slf4j.LoggerFactory;

/**
 * Input permissions set per route (docs/architecture.md#input-permissions), from each routing source: a token-file
 * option, the JWT's {@code rfba} claim, a route-query column on a real PostgreSQL. Per source, a viewer restricted by
 * its route and one whose route leaves it full rights run the same script through a real proxy to their own scripted
 * server: the restricted one's server receives its stream minus exactly the messages of the classes it lacks, the
 * other's the whole stream, and {@code /api/sessions/{id}} shows each viewer's permissions and exact dropped counts.
 * A route whose value does not parse refuses its viewer (never full rights), and the refusal's log line carries the
 * reason but not the token.
 */
@ExtendWith(LeakWatch.class)
class RouteInputPermissionsIT {

  static final int SERVER_BYTES = 4 * 1024;
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String SECRET = "0123456789abcdef0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  final RfbScript script = RfbScript.random(31, SERVER_BYTES, 6000);
  final ExecutorService pool = Executors.newCachedThreadPool();
  final ListAppender<ILoggingEvent> viewerLog = new ListAppender<>();
  ScriptedRfbServer restrictedDesk;
  ScriptedRfbServer fullDesk;

  @BeforeEach
  void start() throws Exception {
    restrictedDesk = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
    fullDesk = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
    viewerLog.start();
    ((Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer")).addAppender(viewerLog);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer")).detachAppender(viewerLog);
    restrictedDesk.close();
    fullDesk.close();
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Flags at their default (every class); the kiosk's line narrows it, the plain websockify line keeps it. */
  @Test
  void aTokenFileOptionRestrictsItsRouteOnly() throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens"), "kiosk-SECRET: " + restrictedDesk.target()
        + " input_permissions=pointer-motion,pointer-buttons\nadmin-SECRET: " + fullDesk.target() + "\n"
        + "typo-SECRET: " + fullDesk.target() + " input_permissions=pointer-motoin\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--token-file", tokens.toString())) {
      relayBoth(proxy, "kiosk-SECRET", restrictedDesk.target(),
          InputPermissions.of(InputClass.POINTER_MOTION, InputClass.POINTER_BUTTONS), "admin-SECRET",
          fullDesk.target());

      // The line that does not parse is ignored as a whole: its token routes nowhere, rather than with full rights.
      assertRefused(proxy, "typo-SECRET", "unknown token");
    }
  }

  /**
   * The default is view-only ({@code --view-only}); one claim narrows the kiosk to keys and clipboard, another gives
   * the admin every class back, and a token without the member keeps the default.
   */
  @Test
  void aJwtClaimReplacesTheDefaultEitherWay() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET, StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--jwt-secret-file", secret.toString(), "--view-only")) {
      relayBoth(proxy, jwt("kiosk", restrictedDesk.target(), Map.of("input_permissions", List.of("keys", "clipboard"))),
          "kiosk", InputPermissions.of(InputClass.KEYS, InputClass.CLIPBOARD),
          jwt("admin", fullDesk.target(), Map.of("view_only", false)), "admin");

      try (WsTransport watcher = viewer(proxy, jwt("watch", restrictedDesk.target(), Map.of()))) {
        awaitViewer(proxy, "watch", InputPermissions.none(), droppedNone(InputPermissions.none()));
        assertThat(filterOf(proxy, "watch")).isNotNull();
      }
      byte[] handshake = Arrays.copyOf(script.clientStream(), InputPermissionsIT.CLIENT_HANDSHAKE);
      assertThat(restrictedDesk.nextReceived(WAIT)).as("the watcher sent nothing after its handshake")
          .isEqualTo(new Received(RfbScript.sha256(handshake), handshake.length, null));

      assertRefused(proxy, jwt("bad", fullDesk.target(), Map.of("input_permissions", "keys,SECRET")),
          "claim rfba.input_permissions: expected all, none or a comma list of keys,pointer-motion,pointer-buttons,"
              + "clipboard,desktop-resize,xvp");
    }
  }

  /**
   * A {@code text[]} column narrows the kiosk's row, NULL leaves the admin's at the default. The proxy stores to the
   * same database, so the answer is the cluster-merged one ({@code replica+database}); a second replica, which holds
   * no viewer, shows the kiosk's viewer without permissions or counts (it cannot know them).
   */
  @Test
  void aRouteQueryColumnRestrictsItsRowOnly() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE desks (token text PRIMARY KEY, session_id text, host text, port int, perms text[])");
        s.execute("INSERT INTO desks VALUES ('r-kiosk-SECRET', 'kiosk', '127.0.0.1', " + restrictedDesk.port()
            + ", '{pointer-motion}'), ('r-admin-SECRET', 'admin', '127.0.0.1', " + fullDesk.port() + ", NULL),"
            + " ('r-bad-SECRET', 'bad', '127.0.0.1', " + fullDesk.port() + ", '{keys,mouse}')");
      }
      String jdbc = pg.getJdbcUrl("postgres", "postgres");
      try (TestProxy proxy = TestProxy.start("--route-query",
          "SELECT host, port, session_id, perms AS input_permissions FROM desks WHERE token = ?", "--jdbc-url", jdbc,
          "--store", "postgres", "--replica-id", "a", "--persist-interval", "1s", "--flush-tick", "100ms");
          TestProxy other = TestProxy.start("--target", fullDesk.target(), "--session-id", "elsewhere",
              "--store", "postgres", "--jdbc-url", jdbc, "--replica-id", "b", "--persist-interval", "1s",
              "--flush-tick", "100ms")) {
        relayBoth(proxy, "r-kiosk-SECRET", "kiosk", InputPermissions.of(InputClass.POINTER_MOTION),
            "r-admin-SECRET", "admin", () -> {
              assertThat(session(proxy, "kiosk").get("source").asText()).isEqualTo("replica+database");
              await().atMost(WAIT).untilAsserted(() -> {
                JsonNode elsewhere = session(other, "kiosk");
                assertThat(elsewhere.get("source").asText()).isEqualTo("database");
                JsonNode v = elsewhere.get("viewers").get(0);
                assertThat(v.get("replica").asText()).isEqualTo("a");
                assertThat(v.get("inputPermissions").isNull()).isTrue();
                assertThat(v.get("droppedInput").isNull()).isTrue();
              });
            });

        assertRefused(proxy, "r-bad-SECRET", "route query column input_permissions: expected a list of keys,"
            + "pointer-motion,pointer-buttons,clipboard,desktop-resize,xvp");
      }
    }
  }

  private void relayBoth(TestProxy proxy, String restrictedToken, String restrictedSession,
      InputPermissions restricted, String fullToken, String fullSession) throws Exception {
    relayBoth(proxy, restrictedToken, restrictedSession, restricted, fullToken, fullSession, () -> { });
  }

  /**
   * Both viewers run the whole script at once; while they are open, {@code whileOpen} runs and the API shows each
   * one's permissions and exact dropped counts; once closed, each server has received exactly what it should.
   */
  private void relayBoth(TestProxy proxy, String restrictedToken, String restrictedSession,
      InputPermissions restricted, String fullToken, String fullSession, Check whileOpen) throws Exception {
    InputPermissionsIT.Expected expected = InputPermissionsIT.expected(script.clientStream(), restricted);
    Map<String, Long> dropped = new LinkedHashMap<>();
    for (InputClass c : InputClass.values()) {
      if (!restricted.allows(c)) {
        dropped.put(c.label(), expected.dropped().get(c.label()));
      }
    }
    assertThat(dropped.values().stream().mapToLong(Long::longValue).sum()).as("the script sends withheld input")
        .isPositive();
    try (WsTransport kiosk = WsTransport.connect(proxy.wsUri("/websockify?token=" + restrictedToken), null);
        WsTransport admin = WsTransport.connect(proxy.wsUri("/websockify?token=" + fullToken), null)) {
      var kioskRun = pool.submit(() -> ScriptedRfbClient.run(kiosk, script, pool));
      var adminRun = pool.submit(() -> ScriptedRfbClient.run(admin, script, pool));
      kioskRun.get(30, TimeUnit.SECONDS);
      adminRun.get(30, TimeUnit.SECONDS);

      awaitViewer(proxy, restrictedSession, restricted, dropped);
      awaitViewer(proxy, fullSession, InputPermissions.all(), Map.of());
      assertThat(filterOf(proxy, restrictedSession)).as("a restricted route's viewer is filtered").isNotNull();
      assertThat(filterOf(proxy, fullSession)).as("a full-rights viewer pays nothing").isNull();
      whileOpen.run();
    }
    assertThat(restrictedDesk.nextReceived(WAIT))
        .isEqualTo(new Received(RfbScript.sha256(expected.bytes()), expected.bytes().length, null));
    byte[] whole = script.clientStream();
    assertThat(fullDesk.nextReceived(WAIT)).isEqualTo(new Received(RfbScript.sha256(whole), whole.length, null));
  }

  @FunctionalInterface
  interface Check {
    void run() throws Exception;
  }

  /** Waits for the last messages to pass the filter, then checks the viewer's whole input view. */
  private static void awaitViewer(TestProxy proxy, String sessionId, InputPermissions permissions,
      Map<String, Long> dropped) {
    List<String> labels = Arrays.stream(InputClass.values()).filter(permissions::allows).map(InputClass::label)
        .toList();
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode viewers = session(proxy, sessionId).get("viewers");
      assertThat(viewers).hasSize(1);
      JsonNode v = viewers.get(0);
      assertThat(JSON.convertValue(v.get("inputPermissions"), new TypeReference<List<String>>() { }))
          .containsExactlyElementsOf(labels);
      assertThat(JSON.convertValue(v.get("droppedInput"), new TypeReference<LinkedHashMap<String, Long>>() { }))
          .containsExactlyEntriesOf(dropped);
    });
  }

  private static Map<String, Long> droppedNone(InputPermissions permissions) {
    Map<String, Long> none = new LinkedHashMap<>();
    for (InputClass c : InputClass.values()) {
      if (!permissions.allows(c)) {
        none.put(c.label(), 0L);
      }
    }
    return none;
  }

  private static InputFilter filterOf(TestProxy proxy, String sessionId) {
    List<ViewerConnection> viewers = proxy.server().viewers().bySession(sessionId);
    assertThat(viewers).hasSize(1);
    return (InputFilter) viewers.get(0).backend().pipeline().get(InputFilter.NAME);
  }

  private static JsonNode session(TestProxy proxy, String sessionId) throws Exception {
    var response = proxy.admin("/api/sessions/" + sessionId);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private WsTransport viewer(TestProxy proxy, String token) throws Exception {
    WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify?token=" + token), null);
    ScriptedRfbClient.handshake(viewer, script);
    assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
    return viewer;
  }

  /** Refused at the upgrade (403), counted as a route refusal, logged with the reason and without the token. */
  private void assertRefused(TestProxy proxy, String token, String reason) {
    Throwable refused = catchThrowable(() -> WsTransport.connect(proxy.wsUri("/websockify?token=" + token), null));
    assertThat(refused).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
    assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(403);
    assertThat(proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", "route").counter()
        .count()).isEqualTo(1.0);
    List<String> lines = List.copyOf(viewerLog.list).stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith("viewer refused ")).toList();
    assertThat(lines).singleElement().asString().endsWith(" reason=route detail=\"" + reason + "\"")
        .doesNotContain("SECRET").doesNotContain(token);
  }

  private static String jwt(String sessionId, String target, Map<String, Object> rfba) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("session_id", sessionId).claim("target", target)
        .expirationTime(Date.from(Instant.now().plusSeconds(600)));
    if (!rfba.isEmpty()) {
      claims.claim("rfba", rfba);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
