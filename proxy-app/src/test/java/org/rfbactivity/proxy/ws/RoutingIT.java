package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
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
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/** Routing through the WebSocket frontend: each way of routing, each way of being refused, and Origin. */
@ExtendWith(LeakWatch.class)
class RoutingIT {

  static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;

  final RfbScript script = RfbScript.random(7, 1024, 256);
  ScriptedRfbServer desk1;
  ScriptedRfbServer desk2;

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

  @Test
  void staticRouteOnBothPaths() throws Exception {
    try (TestProxy proxy = TestProxy.start("--target", desk1.target(), "--session-id", "desk-1")) {
      assertRelayed(proxy.wsUri("/websockify"), null, desk1, 1);
      assertRelayed(proxy.wsUri("/"), null, desk1, 2);
      assertRelayed(proxy.wsUri("/vnc/desk-1"), null, desk1, 3);
      assertThat(status(proxy.wsUri("/vnc/desk-2"), null)).as("another session's id").isEqualTo(403);
      assertThat(status(proxy.wsUri("/other"), null)).isEqualTo(404);
      assertThat(status(proxy.wsUri("/vnc/a%20b"), null)).isEqualTo(404);
    }
  }

  @Test
  void tokenFileIncludingReload() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alpha: " + desk1.target() + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--token-file", tokens.toString())) {
      assertRelayed(proxy.wsUri("/websockify?token=alpha"), null, desk1, 1);
      assertThat(status(proxy.wsUri("/websockify?token=beta"), null)).as("unknown token").isEqualTo(403);
      assertThat(status(proxy.wsUri("/websockify"), null)).as("no token").isEqualTo(403);

      Files.writeString(tokens, "alpha: " + desk2.target() + "\nbeta: " + desk1.target() + "\n", StandardCharsets.UTF_8);
      Files.setLastModifiedTime(tokens, FileTime.from(Instant.now().plusSeconds(2)));

      assertRelayed(proxy.wsUri("/websockify?token=alpha"), null, desk2, 1);
      assertRelayed(proxy.wsUri("/websockify?token=beta"), null, desk1, 2);
    }
  }

  /**
   * A token file that cannot be read after the start keeps its last good table in use: viewers are still routed,
   * {@code /readyz} says so and stays ready, the stale gauge is 1; once the file is back its new table is used.
   */
  @Test
  void tokenFileThatBecomesUnreadableServesItsLastGoodTable() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alpha: " + desk1.target() + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--token-file", tokens.toString())) {
      assertThat(proxy.admin("/readyz").body()).isEqualTo("{\"ready\":true,\"checks\":{\"listeners\":\"accepting\","
          + "\"store\":\"memory\",\"routes\":\"token file: 1 routes\"}}");
      assertThat(proxy.admin("/metrics").body()).contains("\nvnc_proxy_route_table_stale 0.0\n");

      Files.delete(tokens);
      assertRelayed(proxy.wsUri("/websockify?token=alpha"), null, desk1, 1);
      HttpResponse<String> ready = proxy.admin("/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).matches(Pattern.quote("{\"ready\":true,\"checks\":{\"listeners\":\"accepting\","
          + "\"store\":\"memory\",\"routes\":\"token file unreadable since ") + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"
          + Pattern.quote(" (NoSuchFileException); serving the last good table of 1 routes\"}}"));
      assertThat(proxy.admin("/metrics").body()).contains("\nvnc_proxy_route_table_stale 1.0\n");

      Files.writeString(tokens, "beta: " + desk2.target() + "\ngamma: " + desk1.target() + "\n",
          StandardCharsets.UTF_8);
      assertRelayed(proxy.wsUri("/websockify?token=beta"), null, desk2, 1);
      assertThat(status(proxy.wsUri("/websockify?token=alpha"), null)).as("no longer in the file").isEqualTo(403);
      assertThat(proxy.admin("/readyz").body()).isEqualTo("{\"ready\":true,\"checks\":{\"listeners\":\"accepting\","
          + "\"store\":\"memory\",\"routes\":\"token file: 2 routes\"}}");
      assertThat(proxy.admin("/metrics").body()).contains("\nvnc_proxy_route_table_stale 0.0\n");
    }
  }

  @Test
  void jwtGoodExpiredBadSignatureWrongAlgorithm() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--jwt-secret-file", secret.toString())) {
      Instant now = Instant.now();
      String good = jwt(JWSAlgorithm.HS256, SECRET, desk2.target(), now.plusSeconds(60));
      String expired = jwt(JWSAlgorithm.HS256, SECRET, desk2.target(), now.minusSeconds(1));
      String badSignature = jwt(JWSAlgorithm.HS256, "ffffffffffffffffffffffffffffffff", desk2.target(), now.plusSeconds(60));
      String wrongAlgorithm = jwt(JWSAlgorithm.HS384, SECRET + SECRET, desk2.target(), now.plusSeconds(60));
      String tooLong = jwt(JWSAlgorithm.HS256, SECRET, desk2.target(), now.plus(Duration.ofDays(365)));

      assertRelayed(proxy.wsUri("/vnc/desk-2?token=" + good), null, desk2, 1);
      assertThat(status(proxy.wsUri("/websockify?token=" + expired), null)).isEqualTo(403);
      assertThat(status(proxy.wsUri("/websockify?token=" + badSignature), null)).isEqualTo(403);
      assertThat(status(proxy.wsUri("/websockify?token=" + wrongAlgorithm), null)).isEqualTo(403);
      assertThat(status(proxy.wsUri("/websockify?token=" + tooLong), null)).as("beyond --max-token-lifetime (24h)")
          .isEqualTo(403);
      assertThat(status(proxy.wsUri("/vnc/desk-1?token=" + good), null)).as("path id of another session")
          .isEqualTo(403);
      assertThat(desk2.accepted()).isEqualTo(1);
      assertThat(desk1.accepted()).isZero();
    }
  }

  @Test
  void originIsChecked() throws Exception {
    try (TestProxy proxy = TestProxy.start("--target", desk1.target(), "--session-id", "desk-1",
        "--allowed-origin", "https://app.example.com")) {
      String self = "http://127.0.0.1:" + proxy.ws().getPort();
      assertThat(status(proxy.wsUri("/websockify"), "https://evil.example.net")).isEqualTo(403);
      assertThat(status(proxy.wsUri("/websockify"), "null")).isEqualTo(403);
      assertThat(status(proxy.wsUri("/websockify"), "https://app.example.com.evil.net")).isEqualTo(403);
      assertRelayed(proxy.wsUri("/websockify"), "https://APP.example.com", desk1, 1);
      assertRelayed(proxy.wsUri("/websockify"), self, desk1, 2);
      assertThat(desk1.accepted()).as("refused before the VNC server is contacted").isEqualTo(2);
      assertThat(refused(proxy, "origin")).isEqualTo(3.0);
    }
  }

  /**
   * DNS rebinding: a page on {@code http://rebind.example:PORT} whose name the attacker then points at 127.0.0.1
   * sends a WebSocket upgrade with {@code Origin} and {@code Host} that agree, both naming the attacker's host. Same
   * origin therefore proves nothing for a host name; it is trusted only for addresses and {@code localhost}, which a
   * foreign page cannot have as its origin.
   */
  @Test
  void sameOriginByAHostNameIsNotEnoughAgainstDnsRebinding() throws Exception {
    try (TestProxy proxy = TestProxy.start("--target", desk1.target(), "--session-id", "desk-1",
        "--allowed-origin", "https://vnc.example.com")) {
      int port = proxy.ws().getPort();
      assertThat(rawUpgrade(port, "rebind.example:" + port, "http://rebind.example:" + port))
          .startsWith("HTTP/1.1 403 ");
      assertThat(rawUpgrade(port, "vnc.example.com", "https://vnc.example.com"))
          .as("a reverse proxy's name, allowed explicitly").startsWith("HTTP/1.1 101 ");
      assertThat(rawUpgrade(port, "127.0.0.1:" + port, "http://127.0.0.1:" + port)).startsWith("HTTP/1.1 101 ");
      assertThat(rawUpgrade(port, "localhost:" + port, "http://localhost:" + port)).startsWith("HTTP/1.1 101 ");
      assertThat(rawUpgrade(port, "[::1]:" + port, "http://[::1]:" + port)).startsWith("HTTP/1.1 101 ");
      assertThat(desk1.accepted()).as("the rebinding page never reached the VNC server").isEqualTo(4);
    }
  }

  /** An upgrade with the given Host and Origin; returns the response's first line and headers. */
  private static String rawUpgrade(int port, String host, String origin) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET /websockify HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      StringBuilder head = new StringBuilder();
      for (int b = s.getInputStream().read(); b >= 0 && head.indexOf("\r\n\r\n") < 0; b = s.getInputStream().read()) {
        head.append((char) b);
      }
      return head.toString();
    }
  }

  @Test
  void unreachableServerIsBadGateway() throws Exception {
    int closedPort;
    try (ScriptedRfbServer gone = ScriptedRfbServer.start(script, Behaviour.SCRIPT)) {
      closedPort = gone.port();
    }
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + closedPort, "--session-id", "gone")) {
      assertThat(status(proxy.wsUri("/websockify"), null)).isEqualTo(502);
      assertThat(refused(proxy, "backend")).isEqualTo(1.0);
    }
  }

  private void assertRelayed(URI uri, String origin, ScriptedRfbServer expected, int acceptedSoFar) throws Exception {
    try (WsTransport viewer = WsTransport.connect(uri, origin)) {
      ScriptedRfbClient.handshake(viewer, script);
    }
    assertThat(expected.accepted()).isEqualTo(acceptedSoFar);
  }

  private static int status(URI uri, String origin) {
    Throwable t = catchThrowable(() -> WsTransport.connect(uri, origin).close());
    assertThat(t).as("refused: %s", uri).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) t.getCause()).getResponse().statusCode();
  }

  private static double refused(TestProxy proxy, String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", reason).counter().count();
  }

  private static String jwt(JWSAlgorithm alg, String secret, String target, Instant exp) throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .claim("session_id", "desk-2").claim("target", target).expirationTime(Date.from(exp)).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
