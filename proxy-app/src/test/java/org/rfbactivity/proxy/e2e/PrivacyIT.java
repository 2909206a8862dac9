package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;
import org.rfbactivity.rfb.testing.XvncServer;
import org.slf4j.LoggerFactory;

/**
 * Nothing secret or typed leaves the proxy: a viewer authenticates to a real Xvnc with a VNC password through a
 * token-file route and a JWT route, types, pastes; others present unknown or forged tokens. Every log line (with the
 * proxy's own loggers at TRACE), exception text, {@code /metrics}, {@code /api/sessions} and {@code /readyz} is then
 * searched for the token, the JWTs, the VNC password and its DES response, the database password, the admin token,
 * the keysym and the clipboard text.
 */
@ExtendWith(LeakWatch.class)
class PrivacyIT {

  static final String VNC_PASSWORD = "pw5ecr3t";
  static final String TOKEN = "tok-2b7e151628aed2a6";
  static final String UNKNOWN_TOKEN = "tok-notinthefile-9c1f";
  static final String JWT_SECRET = "jwt-secret-0123456789abcdef012345";
  static final String DB_PASSWORD = "db-pa55word-7f3a";
  static final String ADMIN_TOKEN = "admin-token-5e8d2c71";
  static final String CLIPBOARD = "clipboard-text-4d2a";
  /** U+263A as a Unicode keysym (0x01000000 + code point): typed, and never to be seen again. */
  static final int KEYSYM = 0x0100263A;

  @TempDir
  Path dir;

  final ListAppender<ILoggingEvent> log = new ListAppender<>();
  final List<String> secrets = new ArrayList<>(List.of(VNC_PASSWORD, TOKEN, UNKNOWN_TOKEN, JWT_SECRET, DB_PASSWORD,
      ADMIN_TOKEN, CLIPBOARD, "0100263a", "0x100263a", "\u263A"));
  Level proxyLevel;

  @BeforeEach
  void captureEveryLogLine() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger proxy = (Logger) LoggerFactory.getLogger("org.rfbactivity");
    proxyLevel = proxy.getLevel();
    proxy.setLevel(Level.TRACE);
    log.start();
    root.addAppender(log);
  }

  @AfterEach
  void stopCapturing() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    ((Logger) LoggerFactory.getLogger("org.rfbactivity")).setLevel(proxyLevel);
  }

  @Test
  void noSecretNoKeysymNoClipboardInLogsMetricsOrApi() throws Exception {
    List<String> published = new ArrayList<>();
    try (XvncServer xvnc = XvncServer.startWithVncAuth(640, 480, VNC_PASSWORD);
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      String target = "127.0.0.1:" + xvnc.port();
      Path tokens = Files.writeString(dir.resolve("tokens"), TOKEN + ": " + target + "\n", StandardCharsets.UTF_8);
      Path dbPassword = Files.writeString(dir.resolve("db-password"), DB_PASSWORD + "\n", StandardCharsets.UTF_8);
      Path adminToken = Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN + "\n", StandardCharsets.UTF_8);
      Path jwtSecret = Files.writeString(dir.resolve("jwt-secret"), JWT_SECRET + "\n", StandardCharsets.UTF_8);
      String jdbcUrl = pg.getJdbcUrl("postgres", "postgres");

      try (TestProxy proxy = TestProxy.start("--token-file", tokens.toString(), "--store", "postgres",
          "--jdbc-url", jdbcUrl, "--jdbc-user", "postgres", "--jdbc-password-file", dbPassword.toString(),
          "--admin-token-file", adminToken.toString(), "--flush-tick", "100ms")) {
        String response = session(proxy, "/websockify?token=" + TOKEN, target);
        secrets.add(response);
        assertThat(refusal(proxy, "/websockify?token=" + UNKNOWN_TOKEN)).isEqualTo(403);
        published.addAll(published(proxy));
      }

      String good = jwt("desk-7", target, JWT_SECRET);
      String forged = jwt("desk-7", target, "f".repeat(32));
      secrets.add(good);
      secrets.add(forged);
      secrets.add(good.substring(good.lastIndexOf('.') + 1));
      try (TestProxy proxy = TestProxy.start("--jwt-secret-file", jwtSecret.toString(),
          "--admin-token-file", adminToken.toString())) {
        String response = session(proxy, "/vnc/desk-7?token=" + good, "desk-7");
        secrets.add(response);
        assertThat(refusal(proxy, "/vnc/desk-7?token=" + forged)).isEqualTo(403);
        assertThat(refusal(proxy, "/vnc/desk-7?token=" + good.substring(0, good.length() - 2))).isEqualTo(403);
        published.addAll(published(proxy));
      }
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : log.list) {
      lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertThat(lines).as("the run was logged").anyMatch(l -> l.startsWith("viewer close "))
        .anyMatch(l -> l.startsWith("viewer refused "));
    for (String secret : secrets) {
      assertThat(lines).as("log lines").noneMatch(l -> l.toLowerCase().contains(secret.toLowerCase()));
      assertThat(published).as("metrics, API, configuration").noneMatch(p -> p.toLowerCase().contains(secret.toLowerCase()));
    }
  }

  /**
   * A whole RFB 3.8 VncAuth session over the WebSocket frontend (docs/protocol.md#handshake): version, security type 2, the DES
   * response to the challenge, ClientInit, ServerInit; then a key press and release and a ClientCutText. Returns the
   * DES response as hex (a secret derived from the password).
   */
  private String session(TestProxy proxy, String pathAndQuery, String sessionId) throws Exception {
    try (WsTransport ws = WsTransport.connect(proxy.wsUri(pathAndQuery), null)) {
      InputStream in = ws.in();
      assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
      write(ws, "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
      byte[] types = in.readNBytes(in.read());
      assertThat(types).contains((byte) 2);
      write(ws, new byte[] {2});                                  // VncAuth
      byte[] response = vncAuthResponse(in.readNBytes(16), VNC_PASSWORD);
      write(ws, response);
      assertThat(in.readNBytes(4)).as("SecurityResult OK").containsExactly(0, 0, 0, 0);
      write(ws, new byte[] {1});                                  // ClientInit, shared
      byte[] serverInit = in.readNBytes(24);
      in.readNBytes(ByteBuffer.wrap(serverInit, 20, 4).getInt()); // desktop name
      ByteArrayOutputStream input = new ByteArrayOutputStream();
      for (int down = 1; down >= 0; down--) {
        input.writeBytes(new byte[] {4, (byte) down, 0, 0});      // KeyEvent
        input.writeBytes(ByteBuffer.allocate(4).putInt(KEYSYM).array());
      }
      byte[] text = CLIPBOARD.getBytes(StandardCharsets.ISO_8859_1);
      input.writeBytes(new byte[] {6, 0, 0, 0});                  // ClientCutText
      input.writeBytes(ByteBuffer.allocate(4).putInt(text.length).array());
      input.writeBytes(text);
      write(ws, input.toByteArray());
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.admin("/api/sessions/" + sessionId, ADMIN_TOKEN)
          .body().contains("\"CLIPBOARD\":1"));
      return HexFormat.of().formatHex(response);
    }
  }

  private static void write(WsTransport ws, byte[] bytes) throws IOException {
    ws.write(bytes, 0, bytes.length);
  }

  /** DES-ECB of the challenge with the password as key, each key byte bit-reversed (docs/protocol.md#vnc-authentication). */
  static byte[] vncAuthResponse(byte[] challenge, String password) throws Exception {
    byte[] key = new byte[8];
    byte[] pw = password.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < 8 && i < pw.length; i++) {
      key[i] = (byte) (Integer.reverse(pw[i] & 0xff) >>> 24);
    }
    Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
    des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
    return des.doFinal(challenge);
  }

  private static int refusal(TestProxy proxy, String pathAndQuery) {
    Throwable t = catchThrowable(() -> WsTransport.connect(proxy.wsUri(pathAndQuery), null).close());
    return ((java.net.http.WebSocketHandshakeException) t.getCause()).getResponse().statusCode();
  }

  private static List<String> published(TestProxy proxy) throws Exception {
    List<String> out = new ArrayList<>();
    for (String path : new String[] {"/metrics", "/api/sessions", "/readyz"}) {
      out.add(proxy.admin(path, ADMIN_TOKEN).body());
    }
    return out;
  }

  private static String jwt(String sessionId, String target, String secret) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
        .claim("session_id", sessionId).claim("target", target)
        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
