package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Received;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WriteFlood;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * Hostile and broken peers: each is handled (closed, refused or relayed as is), nothing leaks under paranoid
 * leak detection, and the proxy keeps serving a well-behaved viewer afterwards.
 */
@ExtendWith(LeakWatch.class)
class BadInputIT {

  final ExecutorService pool = Executors.newCachedThreadPool();
  final long seed = new SecureRandom().nextLong();
  final RfbScript script = RfbScript.random(seed, 256 * 1024, 16 * 1024);
  ScriptedRfbServer server;
  TestProxy proxy;

  @BeforeEach
  void start() throws Exception {
    server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
    proxy = TestProxy.start("--target", server.target(), "--session-id", "desk", "--handshake-timeout", "1s");
  }

  @AfterEach
  void stop() throws Exception {
    try {
      assertStillServes();
    } finally {
      proxy.close();
      server.close();
      pool.shutdownNow();
    }
  }

  /** A well-behaved viewer on each frontend gets the whole script through. */
  private void assertStillServes() throws Exception {
    drainReceived();
    try (TcpTransport tcp = TcpTransport.connect(proxy.tcp())) {
      assertThat(ScriptedRfbClient.run(tcp, script, pool)).isEqualTo(RfbScript.sha256(script.serverStream()));
    }
    try (WsTransport ws = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
      assertThat(ScriptedRfbClient.run(ws, script, pool)).isEqualTo(RfbScript.sha256(script.serverStream()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
  }

  private void drainReceived() throws InterruptedException {
    while (server.nextReceived(Duration.ZERO) != null) {
      // results of the misbehaving connection, already checked
    }
  }

  @Test
  void garbageOnTheTcpListenerIsRelayedUnchanged() throws Exception {
    byte[] garbage = new byte[64 * 1024];
    new Random(seed).nextBytes(garbage);
    try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      viewer.in().readNBytes(12); // the server's banner: from here on the scripted server reads 12, 1, 1, then all
      viewer.write(garbage, 0, garbage.length);
      viewer.socket().shutdownOutput();
      viewer.in().readAllBytes();
    }
    Received r = server.nextReceived(Duration.ofSeconds(10));
    assertThat(r.bytes()).isEqualTo(garbage.length);
    assertThat(r.sha256()).as("seed %d", seed).isEqualTo(RfbScript.sha256(garbage));
  }

  @Test
  void garbageOnTheWebSocketListenerIsABadRequest() throws Exception {
    byte[] garbage = new byte[4096];
    new Random(seed).nextBytes(garbage);
    garbage[0] = 'X'; // not a method letter the codec could take for a request line
    String answer = sendRaw(proxy.ws().getPort(), garbage);
    assertThat(answer).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(server.accepted()).as("no VNC connection for garbage").isZero();
  }

  @Test
  void brokenPercentEncodingIsABadRequest() throws Exception {
    String upgrade = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    assertThat(sendRaw(proxy.ws().getPort(), ("GET /vnc/%zz HTTP/1.1\r\n" + upgrade).getBytes(StandardCharsets.US_ASCII)))
        .startsWith("HTTP/1.1 400 Bad Request");
    assertThat(sendRaw(proxy.ws().getPort(),
        ("GET /websockify?token=%G0 HTTP/1.1\r\n" + upgrade).getBytes(StandardCharsets.US_ASCII)))
        .startsWith("HTTP/1.1 400 Bad Request");
    assertThat(sendRaw(proxy.server().adminAddress().getPort(),
        "GET /api/sessions/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
        .startsWith("HTTP/1.1 400 Bad Request");
    assertThat(server.accepted()).isZero();
  }

  @Test
  void anIncompleteUpgradeIsRefusedBeforeTheServerIsContacted() throws Exception {
    String head = "GET /websockify HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n";
    String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    String connection = "Connection: Upgrade\r\n";
    String version = "Sec-WebSocket-Version: 13\r\n";
    // RFC 6455 §4.2.1: the key, "Connection: Upgrade" and version 13 are required; each missing one is answered at
    // once, without a route lookup or a VNC connection, instead of failing after the VNC server was connected.
    assertThat(sendRaw(proxy.ws().getPort(), bytes(head + connection + version + "\r\n")))
        .as("no Sec-WebSocket-Key").startsWith("HTTP/1.1 400 Bad Request");
    assertThat(sendRaw(proxy.ws().getPort(), bytes(head + key + version + "\r\n")))
        .as("no Connection: Upgrade").startsWith("HTTP/1.1 400 Bad Request");
    assertThat(sendRaw(proxy.ws().getPort(), bytes(head + key + connection + "\r\n")))
        .as("no version: the obsolete hixie-76 handshake").startsWith("HTTP/1.1 426 Upgrade Required")
        .contains("sec-websocket-version: 13");
    assertThat(sendRaw(proxy.ws().getPort(), bytes(head + key + connection + "Sec-WebSocket-Version: 8\r\n\r\n")))
        .as("a draft version").startsWith("HTTP/1.1 426 Upgrade Required");
    assertThat(server.accepted()).as("the VNC server was never contacted").isZero();
    assertThat(refused("bad_request")).isEqualTo(4.0);
  }

  @Test
  void aViewerThatSendsPingsAndNeverReadsTheirPongsIsNotBufferedWithoutBound() throws Exception {
    long limit = 64L * 1024 * 1024;
    // This viewer never does the RFB handshake: a timeout longer than the flood.
    try (TestProxy patient = TestProxy.start("--target", server.target(), "--session-id", "desk",
        "--handshake-timeout", "60s");
        SocketChannel ch = SocketChannel.open(patient.ws())) {
      ch.write(ByteBuffer.wrap(bytes("GET /websockify HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")));
      assertThat(readHead(ch)).startsWith("HTTP/1.1 101 Switching Protocols");
      byte[] ping = new byte[2 + 4 + 125];
      ping[0] = (byte) 0x89;                // FIN, opcode 9: Ping (RFC 6455 §5.5.2)
      ping[1] = (byte) (0x80 | 125);        // masked, 125 bytes of payload (the control frame maximum); mask key 0

      long taken = WriteFlood.untilStalled(ch, ping, limit, Duration.ofSeconds(3));

      // Each ping needs a pong the viewer never reads; the proxy must neither queue pongs forever nor keep reading
      // pings: it closes a viewer that sends more frames than its budget.
      assertThat(taken).as("bytes of pings the proxy read while its pongs went unread").isLessThan(limit / 2);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(patient.server().meterRegistry()
          .get("vnc.proxy.connections.refused").tag("reason", "frame_flood").counter().count()).isEqualTo(1.0));
    }
  }

  /** Reads an HTTP response head (up to the blank line) from a blocking channel, byte by byte. */
  private static String readHead(SocketChannel ch) throws IOException {
    StringBuilder head = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (head.indexOf("\r\n\r\n") < 0) {
      one.clear();
      if (ch.read(one) < 0) {
        break;
      }
      head.append((char) one.get(0));
    }
    return head.toString();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void garbageOnTheAdminListenerIsABadRequest() throws Exception {
    String answer = sendRaw(proxy.server().adminAddress().getPort(),
        "\u0000\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(answer).startsWith("HTTP/1.1 400 Bad Request");
  }

  @Test
  void aWebSocketHandshakeThatNeverCompletesTimesOut() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.ws().getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /websockify HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).as("closed by the proxy").isEqualTo(-1);
    }
    assertThat(refused("handshake_timeout")).isEqualTo(1.0);
    assertThat(server.accepted()).isZero();
  }

  @Test
  void anRfbHandshakeThatNeverCompletesTimesOut() throws Exception {
    try (TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      assertThat(viewer.in().readNBytes(12)).as("the server's ProtocolVersion").hasSize(12);
      // ... and the viewer never answers it.
      assertThat(viewer.in().read()).as("closed by the proxy after --handshake-timeout").isEqualTo(-1);
    }
    assertThat(refused("handshake_timeout")).as("never a viewer: refused, not closed").isEqualTo(1.0);
    assertThat(proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", "handshake_timeout")
        .counter().count()).isZero();
    Received r = server.nextReceived(Duration.ofSeconds(10));
    assertThat(r.bytes()).as("nothing reached the server").isZero();
  }

  @Test
  void anOversizedWebSocketFrameClosesWith1009() throws Exception {
    try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
      ScriptedRfbClient.handshake(viewer, script);
      byte[] big = new byte[64 * 1024 + 1];
      viewer.write(big, 0, big.length);
      assertThat(viewer.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }
    Received r = server.nextReceived(Duration.ofSeconds(10));
    assertThat(r.bytes()).as("only the handshake reached the server").isEqualTo(14);
  }

  @Test
  void aTextFrameClosesWith1003() throws Exception {
    try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
      ScriptedRfbClient.handshake(viewer, script);
      viewer.sendText("RFB is binary");
      assertThat(viewer.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1003);
    }
    assertThat(server.nextReceived(Duration.ofSeconds(10)).bytes()).isEqualTo(14);
  }

  @Test
  void aClientCutMidMessage() throws Exception {
    TcpTransport viewer = TcpTransport.connect(proxy.tcp());
    ScriptedRfbClient.handshake(viewer, script);
    byte[] halfPointerEvent = {5, 0, 0};
    viewer.write(halfPointerEvent, 0, halfPointerEvent.length);
    // An RST discards what the receiver has not read yet: cut only once the proxy has the bytes.
    await().atMost(Duration.ofSeconds(10)).until(() -> relayedFromClients() == 14 + 3);
    viewer.abort();

    Received r = server.nextReceived(Duration.ofSeconds(10));
    assertThat(r.bytes()).as("handshake and the half message, nothing more, nothing less").isEqualTo(14 + 3);
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
  }

  @Test
  void aWebSocketClientCutMidMessage() throws Exception {
    WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null);
    ScriptedRfbClient.handshake(viewer, script);
    byte[] halfKeyEvent = {4, 1, 0, 0, 0};
    viewer.write(halfKeyEvent, 0, halfKeyEvent.length);
    await().atMost(Duration.ofSeconds(10)).until(() -> relayedFromClients() == 14 + 5);
    viewer.abort();

    assertThat(server.nextReceived(Duration.ofSeconds(10)).bytes()).isEqualTo(14 + 5);
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
  }

  @Test
  void theVncServerKilledMidConnection() throws Exception {
    try (TcpTransport tcp = TcpTransport.connect(proxy.tcp());
        WsTransport ws = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
      ScriptedRfbClient.handshake(tcp, script);
      ScriptedRfbClient.handshake(ws, script);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.live() == 2);

      server.killAll();

      InputStream in = tcp.in();
      while (in.read(new byte[8192]) >= 0) {
        // the rest of the payload the server managed to send, then the end
      }
      assertThat(ws.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1011);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
  }

  @Test
  void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
    try (TestProxy limited = TestProxy.start("--target", server.target(), "--session-id", "desk",
        "--max-connections", "2");
        TcpTransport first = TcpTransport.connect(limited.tcp());
        WsTransport second = WsTransport.connect(limited.wsUri("/websockify"), null);
        TcpTransport third = TcpTransport.connect(limited.tcp())) {
      assertThat(third.in().read()).as("the third connection is closed").isEqualTo(-1);
      ScriptedRfbClient.handshake(first, script);
      ScriptedRfbClient.handshake(second, script);
      assertThat(limited.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", "limit")
          .counter().count()).isEqualTo(1.0);
    }
  }

  private double relayedFromClients() {
    return proxy.server().meterRegistry().get("vnc.proxy.relayed").tag("direction", "client_to_server")
        .functionCounter().count();
  }

  private double refused(String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.connections.refused").tag("reason", reason).counter().count();
  }

  private static String sendRaw(int port, byte[] bytes) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(bytes);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
