package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * Real Xvnc behind VeNCrypt, whose TLS the proxy cannot read. A client that chooses TLS and then stays silent is no
 * viewer: the handshake timeout closes it and its session never looks active (before the fix it held the desktop
 * awake, without a password, for as long as it liked). A client that does complete TLS is a blind viewer, active only
 * while it sends.
 */
@ExtendWith(LeakWatch.class)
class XvncBlindIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  static final int VENCRYPT = 19;
  static final int TLS_NONE = 257;
  static final int X509_NONE = 260;

  @TempDir
  Path dir;

  @Test
  void aClientThatChoosesTlsAndStaysSilentIsClosedAtTheHandshakeTimeoutAndNeverActive() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithOptions(640, 480, List.of("-SecurityTypes", "TLSNone"));
        TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk",
            "--handshake-timeout", "2s", "--flush-tick", "100ms");
        Socket s = new Socket("127.0.0.1", proxy.tcp().getPort())) {
      s.setSoTimeout(20_000);
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      chooseVeNCrypt(in, out, TLS_NONE);
      long accepted = System.nanoTime();

      // ... and sends nothing more. The server's TLS never starts: the proxy closes the connection.
      assertThat(in.read()).as("closed by the proxy").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - accepted)).isLessThan(Duration.ofSeconds(10));
      var desk = JSON.readTree(proxy.admin("/api/sessions/desk").body());
      assertThat(desk.get("state").asText() + " " + desk.get("lastConnectAt")).as("never a viewer, never active")
          .isEqualTo("DISCONNECTED null");
      assertThat(proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", "handshake_timeout")
          .counter().count()).isEqualTo(1.0);
    }
  }

  @Test
  void aClientThatCompletesTlsIsABlindViewerActiveOnlyWhileItSends() throws Exception {
    X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
        .setIsCertificateAuthority(true).rsa2048().buildSelfSigned();
    Path certPem = Files.writeString(dir.resolve("cert.pem"), cert.getCertificatePEM(), StandardCharsets.US_ASCII);
    Path keyPem = Files.writeString(dir.resolve("key.pem"), cert.getPrivateKeyPEM(), StandardCharsets.US_ASCII);
    try (XvncServer xvnc = XvncServer.startWithOptions(640, 480, List.of("-SecurityTypes", "X509None",
        "-X509Cert", certPem.toString(), "-X509Key", keyPem.toString()));
        TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + xvnc.port(), "--session-id", "desk",
            "--handshake-timeout", "5s", "--flush-tick", "100ms", "--active-window", "2s",
            "--persist-interval", "1s");
        Socket plain = new Socket("127.0.0.1", proxy.tcp().getPort())) {
      plain.setSoTimeout(20_000);
      chooseVeNCrypt(new DataInputStream(plain.getInputStream()), new DataOutputStream(plain.getOutputStream()),
          X509_NONE);
      SSLSocket tls = (SSLSocket) trustingEveryone().getSocketFactory()
          .createSocket(plain, "127.0.0.1", plain.getPort(), true);
      tls.startHandshake();
      DataInputStream in = new DataInputStream(tls.getInputStream());
      DataOutputStream out = new DataOutputStream(tls.getOutputStream());
      assertThat(in.readInt()).as("SecurityResult OK").isZero();
      out.write(1); // ClientInit, shared
      out.flush();
      int width = in.readUnsignedShort();
      int height = in.readUnsignedShort();
      assertThat(width + "x" + height).isEqualTo("640x480");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode viewer = session(proxy).get("viewers").get(0);
        assertThat(viewer.get("inspectable").asBoolean()).isFalse();
        assertThat(viewer.get("blindReason").asText()).isEqualTo("ENCRYPTED_SECURITY_TYPE");
      });

      // Sends a FramebufferUpdateRequest every 250 ms (encrypted): the session stays ACTIVE past the open's window.
      ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
      try {
        sender.scheduleWithFixedDelay(() -> {
          try {
            out.write(new byte[] {3, 1, 0, 0, 0, 0, 0, 16, 0, 16}); // incremental update of a 16x16 corner
            out.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }, 0, 250, TimeUnit.MILLISECONDS);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
            .until(() -> "ACTIVE".equals(session(proxy).get("state").asText()));
      } finally {
        sender.shutdownNow();
        sender.awaitTermination(5, TimeUnit.SECONDS);
      }
      // Silence: idle one window after its last bytes, though still connected.
      await().atMost(Duration.ofSeconds(10))
          .until(() -> "CONNECTED_IDLE".equals(session(proxy).get("state").asText()));
      assertThat(session(proxy).get("lastInputKind").asText()).isEqualTo("BLIND_TRAFFIC");
      assertThat(proxy.server().connectedViewers()).isEqualTo(1);
      tls.close();
    }
  }

  /** Version 3.8, security type VeNCrypt, VeNCrypt 0.2, then {@code subtype}; returns after the server accepts it. */
  private static void chooseVeNCrypt(DataInputStream in, DataOutputStream out, int subtype) throws IOException {
    byte[] version = new byte[12];
    in.readFully(version);
    out.write(VERSION);
    out.flush();
    int types = in.readUnsignedByte();
    byte[] offered = new byte[types];
    in.readFully(offered);
    assertThat(offered).contains((byte) VENCRYPT);
    out.write(VENCRYPT);
    out.flush();
    assertThat(new int[] {in.readUnsignedByte(), in.readUnsignedByte()}).as("VeNCrypt version").containsExactly(0, 2);
    out.write(new byte[] {0, 2});
    out.flush();
    assertThat(in.readUnsignedByte()).as("version accepted").isZero();
    int subtypes = in.readUnsignedByte();
    boolean found = false;
    for (int i = 0; i < subtypes; i++) {
      found |= in.readInt() == subtype;
    }
    assertThat(found).as("subtype %d offered", subtype).isTrue();
    out.writeInt(subtype);
    out.flush();
    assertThat(in.readUnsignedByte()).as("subtype accepted").isEqualTo(1);
  }

  private static JsonNode session(TestProxy proxy) throws Exception {
    return JSON.readTree(proxy.admin("/api/sessions/desk").body());
  }

  /** The test's Xvnc has a self-signed certificate; what matters here is the proxy, not who the server is. */
  private static SSLContext trustingEveryone() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    return context;
  }
}
