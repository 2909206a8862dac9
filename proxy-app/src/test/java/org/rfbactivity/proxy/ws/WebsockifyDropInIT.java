package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

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
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * An operator moving from websockify keeps their token directory and their JWTs: real proxy, real WebSocket viewers
 * through the frontend, real RFB servers (scripted) on 127.0.0.1, every server byte relayed.
 */
@ExtendWith(LeakWatch.class)
class WebsockifyDropInIT {

  static final int SERVER_BYTES = 1024;
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String SECRET = "0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;

  final RfbScript script = RfbScript.random(11, SERVER_BYTES, 64);
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

  /**
   * websockify's token directory: a token in each of two files (one hidden) routes to its server; a file added is
   * seen by the next viewer; a file removed revokes its viewer at the periodic check (4004), the others stay.
   */
  @Test
  void aTokenDirectoryRoutesRevokesAndReloads() throws Exception {
    Path tokens = Files.createDirectory(dir.resolve("tokens.d"));
    Files.writeString(tokens.resolve("desk1.cfg"), "# desk 1\nalpha: " + desk1.target() + "\n", StandardCharsets.UTF_8);
    Files.writeString(tokens.resolve(".desk2"), "beta: " + desk2.target() + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--token-file", tokens.toString(), "--token-file-check", "200ms");
        WsTransport alpha = viewer(proxy, "alpha");
        WsTransport beta = viewer(proxy, "beta")) {
      assertThat(desk1.accepted()).isEqualTo(1);
      assertThat(desk2.accepted()).isEqualTo(1);
      assertThat(proxy.server().viewers().bySession(desk2.target())).hasSize(1);
      assertThat(refusedStatus(proxy, "gamma")).isEqualTo(403);

      Files.writeString(tokens.resolve("later.cfg"), "gamma: " + desk1.target() + "\n", StandardCharsets.UTF_8);
      try (WsTransport gamma = viewer(proxy, "gamma")) {
        assertThat(desk1.accepted()).isEqualTo(2);
      }

      Files.delete(tokens.resolve(".desk2"));

      assertThat(beta.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4004);
      assertThat(beta.closeText().get()).isEqualTo("token revoked");
      await().atMost(WAIT).until(() -> proxy.server().connectedViewers() == 1);
      assertThat(alpha.closeCode()).isNotDone();
      assertThat(refusedStatus(proxy, "beta")).isEqualTo(403);
    }
  }

  /**
   * A JWT as websockify's JWTTokenApi reads it ({@code host}, {@code port} as a string or a number) routes to that
   * server, as session {@code host:port}; one without {@code exp} is refused here though websockify takes it.
   */
  @Test
  void websockifyJwtClaimsRoute() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), SECRET, StandardCharsets.UTF_8);
    HostPort target = HostPort.parse(desk2.target(), false);
    Instant exp = Instant.now().plusSeconds(600);
    try (TestProxy proxy = TestProxy.start("--jwt-secret-file", secret.toString());
        WsTransport byString = viewer(proxy, jwt(new JWTClaimsSet.Builder().claim("host", target.host())
            .claim("port", String.valueOf(target.port())).expirationTime(Date.from(exp)).build()));
        WsTransport byNumber = viewer(proxy, jwt(new JWTClaimsSet.Builder().claim("host", target.host())
            .claim("port", target.port()).expirationTime(Date.from(exp)).build()))) {
      assertThat(desk2.accepted()).isEqualTo(2);
      assertThat(proxy.server().viewers().bySession(target.toString())).hasSize(2);

      String noExp = jwt(new JWTClaimsSet.Builder().claim("host", target.host()).claim("port", target.port()).build());
      assertThat(refusedStatus(proxy, noExp)).isEqualTo(403);
      assertThat(desk2.accepted()).isEqualTo(2);
    }
  }

  /**
   * websockify's HS256 key file (the secret base64url-encoded, here 32 bytes that are not text) given as it is to
   * {@code --jwt-encoded-secret-file}: a token signed with the decoded secret routes.
   */
  @Test
  void websockifyKeyFileVerifiesItsTokens() throws Exception {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (0x80 + i * 3); // no valid UTF-8 here: only the base64url form can carry it
    }
    Path keyFile = Files.writeString(dir.resolve("jwt.key"), Base64.getUrlEncoder().withoutPadding()
        .encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    HostPort target = HostPort.parse(desk1.target(), false);
    JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("host", target.host()).claim("port", target.port())
        .expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
    try (TestProxy proxy = TestProxy.start("--jwt-encoded-secret-file", keyFile.toString());
        WsTransport viewer = viewer(proxy, jwt(claims, key))) {
      assertThat(desk1.accepted()).isEqualTo(1);
      assertThat(refusedStatus(proxy, jwt(claims, SECRET.getBytes(StandardCharsets.UTF_8)))).isEqualTo(403);
    }
  }

  /** A Unix socket target with no server behind it is refused as an unreachable TCP server is: 502, `backend`. */
  @Test
  void aUnixTargetWithoutAServerIsBadGateway() throws Exception {
    try (TestProxy proxy = TestProxy.start("--unix-target", dir.resolve("nobody.sock").toString(), "--session-id",
        "gone", "--tcp-listen", "none")) {
      Throwable t = catchThrowable(() -> WsTransport.connect(proxy.wsUri("/websockify"), null).close());
      assertThat(t).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
      assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode()).isEqualTo(502);
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", "backend")
          .counter().count()).isEqualTo(1.0);
    }
  }

  /** A WebSocket viewer by {@code token}, past its handshake and all of the server's scripted bytes. */
  private WsTransport viewer(TestProxy proxy, String token) throws Exception {
    WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify?token=" + token), null);
    ScriptedRfbClient.handshake(viewer, script);
    assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
    return viewer;
  }

  private static int refusedStatus(TestProxy proxy, String token) {
    Throwable t = catchThrowable(() -> WsTransport.connect(proxy.wsUri("/websockify?token=" + token), null).close());
    assertThat(t).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) t.getCause()).getResponse().statusCode();
  }

  private static String jwt(JWTClaimsSet claims) throws Exception {
    return jwt(claims, SECRET.getBytes(StandardCharsets.UTF_8));
  }

  private static String jwt(JWTClaimsSet claims, byte[] secret) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    jwt.sign(new MACSigner(secret));
    return jwt.serialize();
  }
}
