package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
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
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/** Both frontends with TLS from PEM files: bytes still identical; bad PEM files name the flag. */
@ExtendWith(LeakWatch.class)
class TlsIT {

  @TempDir
  Path dir;

  final ExecutorService pool = Executors.newCachedThreadPool();
  X509Bundle cert;
  Path certPem;
  Path keyPem;

  @BeforeEach
  void certificate() throws Exception {
    cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
        .setIsCertificateAuthority(true).ecp256().buildSelfSigned();
    certPem = Files.writeString(dir.resolve("cert.pem"), cert.getCertificatePEM(), StandardCharsets.US_ASCII);
    keyPem = Files.writeString(dir.resolve("key.pem"), cert.getPrivateKeyPEM(), StandardCharsets.US_ASCII);
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void tcpAndWebSocketOverTls() throws Exception {
    RfbScript script = RfbScript.random(11, 512 * 1024, 32 * 1024);
    SSLContext trusting = SSLContext.getInstance("TLS");
    trusting.init(null, cert.toTrustManagerFactory().getTrustManagers(), null);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--tls-cert", certPem.toString(), "--tls-key", keyPem.toString())) {
      SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", proxy.tcp().getPort());
      socket.startHandshake();
      try (TcpTransport tcp = TcpTransport.over(socket)) {
        assertThat(ScriptedRfbClient.run(tcp, script, pool)).isEqualTo(RfbScript.sha256(script.serverStream()));
      }
      assertThat(server.nextReceived(Duration.ofSeconds(10)).sha256())
          .isEqualTo(RfbScript.sha256(script.clientStream()));

      HttpClient client = HttpClient.newBuilder().sslContext(trusting).build();
      URI wss = URI.create("wss://127.0.0.1:" + proxy.ws().getPort() + "/websockify");
      try (WsTransport ws = WsTransport.connect(client, wss, null)) {
        assertThat(ScriptedRfbClient.run(ws, script, pool)).isEqualTo(RfbScript.sha256(script.serverStream()));
      }
      assertThat(server.nextReceived(Duration.ofSeconds(10)).sha256())
          .isEqualTo(RfbScript.sha256(script.clientStream()));
    }
  }

  @Test
  void tls12AndTls13ClientsAreServed() throws Exception {
    RfbScript script = RfbScript.random(13, 64 * 1024, 4 * 1024);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--tls-cert", certPem.toString(), "--tls-key", keyPem.toString())) {
      for (String protocol : new String[] {"TLSv1.2", "TLSv1.3"}) {
        SSLSocket socket = tlsSocket(proxy, protocol);
        assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
        try (TcpTransport tcp = TcpTransport.over(socket)) {
          assertThat(ScriptedRfbClient.run(tcp, script, pool)).isEqualTo(RfbScript.sha256(script.serverStream()));
        }
        assertThat(server.nextReceived(Duration.ofSeconds(10)).sha256())
            .isEqualTo(RfbScript.sha256(script.clientStream()));
      }
    }
  }

  /**
   * A TLS 1.2 client that renegotiates (a new ClientHello on the established connection) is refused: each
   * renegotiation costs the server a full handshake for a few bytes from the client, and the proxy has no use for it.
   * TLS 1.3 has no renegotiation.
   */
  @Test
  void tls12ClientInitiatedRenegotiationIsRefused() throws Exception {
    RfbScript script = RfbScript.random(14, 1024, 64);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--tls-cert", certPem.toString(), "--tls-key", keyPem.toString());
        SSLSocket socket = tlsSocket(proxy, "TLSv1.2")) {
      byte[] banner = Arrays.copyOf(script.serverStream(), 12);
      assertThat(socket.getInputStream().readNBytes(banner.length)).as("relaying after the first handshake")
          .isEqualTo(banner);

      socket.startHandshake(); // on an established TLS 1.2 connection: a renegotiation

      assertThat(catchThrowable(() -> socket.getInputStream().read()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessage("Received fatal alert: handshake_failure");
    }
  }

  /** A TLS client socket limited to {@code protocol}, trusting the test certificate, handshake done. */
  private SSLSocket tlsSocket(TestProxy proxy, String protocol) throws Exception {
    SSLContext trusting = SSLContext.getInstance("TLS");
    trusting.init(null, cert.toTrustManagerFactory().getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", proxy.tcp().getPort());
    socket.setSoTimeout(10_000);
    socket.setEnabledProtocols(new String[] {protocol});
    socket.startHandshake();
    return socket;
  }

  @Test
  void plainTextOnTheTlsPortIsClosed() throws Exception {
    RfbScript script = RfbScript.random(12, 1024, 64);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--tls-cert", certPem.toString(), "--tls-key", keyPem.toString());
        TcpTransport plain = TcpTransport.connect(proxy.tcp())) {
      plain.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII), 0, 12);
      assertThat(plain.in().readAllBytes()).as("a TLS alert at most, never RFB").doesNotContain((byte) 'R', (byte) 'F');
      assertThat(server.accepted()).as("no VNC connection without TLS").isZero();
    }
  }

  @Test
  void badPemFilesNameTheFlag() throws Exception {
    Path notPem = Files.writeString(dir.resolve("junk.pem"), "junk", StandardCharsets.US_ASCII);
    assertThat(launch("--tls-cert", notPem.toString(), "--tls-key", keyPem.toString()))
        .isEqualTo("rfb-activity-proxy: --tls-cert=" + notPem + ": not a PEM certificate chain\n");
    assertThat(launch("--tls-cert", certPem.toString(), "--tls-key", certPem.toString()))
        .isEqualTo("rfb-activity-proxy: --tls-key=" + certPem
            + ": not a PEM PKCS#8 private key (BEGIN PRIVATE KEY) matching --tls-cert\n");
  }

  private static String launch(String... tls) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] args = {"--target", "127.0.0.1:5901", "--session-id", "s", "--store", "memory", "--tcp-listen",
        "127.0.0.1:0", "--ws-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", tls[0], tls[1], tls[2], tls[3]};
    Main.Launch l = Main.launch(args, Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(l.exitCode()).isEqualTo(Main.EXIT_CONFIG);
    return err.toString(StandardCharsets.UTF_8);
  }
}
