package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.NoneSecurityViewer;
import org.rfbactivity.proxy.testing.NoneSecurityViewer.ServerInit;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;
import org.rfbactivity.rfb.testing.XvncServer;
import org.slf4j.LoggerFactory;

/**
 * websockify's routing formats end to end with two real Xvnc desktops (docs/architecture.md#the-proxy): a token
 * directory of two files and websockify-style HS256 JWTs ({@code host}/{@code port} claims, the key file as
 * websockify's {@code JWTTokenApi} reads it). Each viewer connects with the URL noVNC builds for websockify
 * ({@code ws://HOST:PORT/websockify?token=…}, or websockify's bare {@code /?token=…}), gets its own desktop's ServerInit
 * (exact name and size), types, and its session, named by the target {@code host:port} as the README documents,
 * turns ACTIVE from CONNECTED_IDLE by that key. An expired JWT is refused 403 with the documented reason.
 */
@ExtendWith(LeakWatch.class)
class XvncWebsockifyIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String[] TIMINGS = {"--active-window", "2s", "--persist-interval", "1s", "--flush-tick", "100ms"};

  @TempDir
  Path dir;

  final ListAppender<ILoggingEvent> log = new ListAppender<>();
  XvncServer one;
  XvncServer two;

  @BeforeEach
  void desktops() throws Exception {
    log.start();
    ((Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer")).addAppender(log);
    one = XvncServer.startWithoutAuth(320, 200, "desk-one");
    two = XvncServer.startWithoutAuth(400, 300, "desk-two");
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer")).detachAppender(log);
    if (one != null) {
      one.close();
    }
    if (two != null) {
      two.close();
    }
  }

  @Test
  void aTokenDirectoryOfTwoFilesReachesEachDesktop() throws Exception {
    Path tokens = Files.createDirectory(dir.resolve("tokens.d"));
    Files.writeString(tokens.resolve("one.cfg"), "# websockify TokenFile format\nalpha: 127.0.0.1:" + one.port() + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(tokens.resolve("two.cfg"), "beta: 127.0.0.1:" + two.port() + "\n", StandardCharsets.UTF_8);
    String sessionOne = "127.0.0.1:" + one.port();
    String sessionTwo = "127.0.0.1:" + two.port();
    try (TestProxy proxy = TestProxy.start(args("--token-file", tokens.toString()));
        WsTransport alpha = WsTransport.connect(proxy.wsUri("/websockify?token=alpha"), null);
        WsTransport beta = WsTransport.connect(proxy.wsUri("/?token=beta"), null)) {
      NoneSecurityViewer viewerOne = NoneSecurityViewer.handshake(alpha);
      NoneSecurityViewer viewerTwo = NoneSecurityViewer.handshake(beta);
      assertThat(viewerOne.serverInit()).isEqualTo(new ServerInit(320, 200, "desk-one"));
      assertThat(viewerTwo.serverInit()).isEqualTo(new ServerInit(400, 300, "desk-two"));
      assertThat(sessionIds(proxy)).containsExactlyInAnyOrder(sessionOne, sessionTwo);

      typedTurnsActive(proxy, viewerOne, sessionOne);
      assertThat(session(proxy, sessionTwo).get("state").asText()).as("the other desktop's session")
          .isEqualTo("CONNECTED_IDLE");
      assertThat(session(proxy, sessionTwo).get("lastInputKind").isNull()).isTrue();
      typedTurnsActive(proxy, viewerTwo, sessionTwo);
    }
  }

  @Test
  void websockifyJwtsReachTheirDesktopAndAnExpiredOneIsRefused() throws Exception {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (0xa0 + i * 5);
    }
    // websockify's HS256 key file: the secret base64url-encoded (a JWK "k"), given as it is
    Path keyFile = Files.writeString(dir.resolve("jwt.key"),
        Base64.getUrlEncoder().withoutPadding().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    String sessionTwo = "127.0.0.1:" + two.port();
    Instant now = Instant.now();
    String valid = jwt(key, new JWTClaimsSet.Builder().claim("host", "127.0.0.1").claim("port", two.port())
        .expirationTime(Date.from(now.plusSeconds(600))).build());
    String portAsString = jwt(key, new JWTClaimsSet.Builder().claim("host", "127.0.0.1")
        .claim("port", String.valueOf(one.port())).notBeforeTime(Date.from(now.minusSeconds(5)))
        .expirationTime(Date.from(now.plusSeconds(600))).build());
    String expired = jwt(key, new JWTClaimsSet.Builder().claim("host", "127.0.0.1").claim("port", two.port())
        .expirationTime(Date.from(now.minusSeconds(60))).build());
    try (TestProxy proxy = TestProxy.start(args("--jwt-encoded-secret-file", keyFile.toString()));
        WsTransport ws = WsTransport.connect(proxy.wsUri("/websockify?token=" + valid), null);
        WsTransport other = WsTransport.connect(proxy.wsUri("/websockify?token=" + portAsString), null)) {
      NoneSecurityViewer viewer = NoneSecurityViewer.handshake(ws);
      assertThat(viewer.serverInit()).isEqualTo(new ServerInit(400, 300, "desk-two"));
      assertThat(NoneSecurityViewer.handshake(other).serverInit()).isEqualTo(new ServerInit(320, 200, "desk-one"));
      assertThat(sessionIds(proxy)).containsExactlyInAnyOrder("127.0.0.1:" + one.port(), sessionTwo);
      typedTurnsActive(proxy, viewer, sessionTwo);

      Throwable refused = catchThrowable(() -> WsTransport.connect(proxy.wsUri("/websockify?token=" + expired), null)
          .close());
      assertThat(refused).isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(WebSocketHandshakeException.class);
      assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(403);
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", "route")
          .counter().count()).isEqualTo(1.0);
      List<String> refusals = log.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.startsWith("viewer refused")).toList();
      assertThat(refusals).singleElement().asString().endsWith(" reason=route detail=\"expired token\"")
          .doesNotContain(expired);
      assertThat(proxy.server().connectedViewers()).as("the two valid viewers only").isEqualTo(2);
    }
  }

  /** Waits out the open's activity, types one key, and sees the session ACTIVE for that key. */
  private static void typedTurnsActive(TestProxy proxy, NoneSecurityViewer viewer, String sessionId) throws Exception {
    await().atMost(WAIT).until(() -> "CONNECTED_IDLE".equals(session(proxy, sessionId).get("state").asText()));
    viewer.type(0x61);
    await().atMost(WAIT).until(() -> "ACTIVE".equals(session(proxy, sessionId).get("state").asText()));
    JsonNode session = session(proxy, sessionId);
    assertThat(session.get("lastInputKind").asText()).isEqualTo("KEY_PRESS");
    assertThat(session.get("viewers")).hasSize(1);
  }

  private static String[] args(String... routing) {
    List<String> args = new ArrayList<>(List.of(routing));
    args.addAll(List.of(TIMINGS));
    return args.toArray(String[]::new);
  }

  private static List<String> sessionIds(TestProxy proxy) throws Exception {
    List<String> ids = new ArrayList<>();
    JSON.readTree(proxy.admin("/api/sessions").body()).forEach(s -> ids.add(s.get("sessionId").asText()));
    return ids;
  }

  private static JsonNode session(TestProxy proxy, String sessionId) throws Exception {
    return JSON.readTree(proxy.admin("/api/sessions/" + sessionId).body());
  }

  private static String jwt(byte[] key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(key));
    return jwt.serialize();
  }
}
