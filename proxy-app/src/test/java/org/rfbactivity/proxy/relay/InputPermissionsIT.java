package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Received;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;
import org.rfbactivity.rfb.InputClass;

/**
 * Input permissions through a real proxy between real sockets (docs/architecture.md#input-permissions): the scripted
 * VNC server receives the viewer's stream minus exactly the messages of the classes it lacks, counted per class; a
 * viewer with every permission has no filter in its pipeline; a restricted viewer whose stream cannot be followed (an
 * unframeable message, an encrypted security type) is closed with cannot_enforce (4008) and nothing after that point
 * reaches the server.
 */
@ExtendWith(LeakWatch.class)
class InputPermissionsIT {

  static final int SERVER_BYTES = 4 * 1024;
  static final Duration WAIT = Duration.ofSeconds(10);
  /** Client ProtocolVersion (12), security choice (1), ClientInit (1). */
  static final int CLIENT_HANDSHAKE = 14;

  final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @CsvSource({
      "--view-only, true",
      "--input-permissions=keys, keys",
      "--input-permissions=pointer-motion|clipboard, pointer-motion|clipboard",
      "--input-permissions=all, all"})
  void theServerGetsTheViewersStreamMinusExactlyTheDeniedMessages(String flag, String value) throws Exception {
    String given = flag.equals("--view-only") ? "--view-only" : flag.replace('|', ',');
    InputPermissions permissions = flag.equals("--view-only") ? InputPermissions.none()
        : InputPermissions.parse(value.replace('|', ','));
    RfbScript script = RfbScript.random(21, SERVER_BYTES, 6000);
    Expected expected = expected(script.clientStream(), permissions);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk", given);
        TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
      ScriptedRfbClient.run(viewer, script, pool);
      ViewerConnection connection = onlyViewer(proxy);
      assertThat(connection.backend().pipeline().get(InputFilter.NAME) != null)
          .as("a filter only for a restricted viewer").isEqualTo(!permissions.isAll());
      viewer.close();

      Received atServer = server.nextReceived(WAIT);
      assertThat(atServer).isEqualTo(new Received(RfbScript.sha256(expected.bytes), expected.bytes.length, null));
      assertThat(proxy.droppedInput()).isEqualTo(expected.dropped);
    }
  }

  @Test
  void aRestrictedViewerSendingAnUnframeableMessageIsClosedCannotEnforce() throws Exception {
    RfbScript script = RfbScript.random(22, SERVER_BYTES, 64);
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        TestProxy proxy = TestProxy.start("--target", server.target(), "--session-id", "desk",
            "--input-permissions", "keys");
        WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
      ScriptedRfbClient.handshake(viewer, script);
      assertThat(viewer.in().readNBytes(SERVER_BYTES)).hasSize(SERVER_BYTES);
      byte[] keyThenFileTransfer = {
          4, 1, 0, 0, 0, 0, 0, 0x61,   // KeyEvent a down: allowed
          7, 1, 0, 0, 0, 0, 0, 0};     // UltraVNC FileTransfer: no generic length
      viewer.write(keyThenFileTransfer, 0, keyThenFileTransfer.length);

      assertThat(viewer.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4008);
      assertThat(viewer.closeText().get()).isEqualTo("cannot enforce");
      byte[] expected = concat(Arrays.copyOf(script.clientStream(), CLIENT_HANDSHAKE),
          Arrays.copyOf(keyThenFileTransfer, 8));
      assertThat(server.nextReceived(WAIT)).as("the key, not the message that could not be framed")
          .isEqualTo(new Received(RfbScript.sha256(expected), expected.length, null));
      assertThat(closed(proxy, "cannot_enforce")).isEqualTo(1.0);
    }
  }

  /**
   * A server that offers RA2 (type 5) only: the codec cannot read past its choice, so a restricted viewer is closed
   * before the choice reaches the server; a viewer with every permission is relayed as ever.
   */
  @ParameterizedTest
  @CsvSource({"--view-only, 12", "--input-permissions=all, 13"})
  void aRestrictedViewerOnAnEncryptedSecurityTypeIsClosedCannotEnforce(String flag, int serverReceives)
      throws Exception {
    byte[] version = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Future<byte[]> received = pool.submit(() -> {
        try (Socket s = listener.accept()) {
          // lock-step, as a VNC server: the list only after the client's version
          OutputStream out = s.getOutputStream();
          InputStream in = s.getInputStream();
          out.write(version);
          out.flush();
          byte[] clientVersion = in.readNBytes(12);
          out.write(new byte[] {1, 5}); // one security type: RA2
          out.flush();
          return concat(clientVersion, in.readAllBytes());
        }
      });
      try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:" + listener.getLocalPort(),
          "--session-id", "desk", flag);
          TcpTransport viewer = TcpTransport.connect(proxy.tcp())) {
        InputStream in = viewer.in();
        assertThat(in.readNBytes(12)).isEqualTo(version);
        viewer.write(version, 0, 12);
        assertThat(in.readNBytes(2)).isEqualTo(new byte[] {1, 5});
        viewer.write(new byte[] {5}, 0, 1);
        if (serverReceives == 12) {
          assertThat(in.read()).as("closed by the proxy").isEqualTo(-1);
          assertThat(received.get(10, TimeUnit.SECONDS)).as("the version, not the choice").isEqualTo(version);
          // closed before it became a viewer: a refusal, for the same reason
          await().atMost(WAIT).until(() -> refused(proxy, "cannot_enforce") == 1.0);
        } else {
          viewer.close();
          assertThat(received.get(10, TimeUnit.SECONDS)).hasSize(serverReceives);
          assertThat(refused(proxy, "cannot_enforce")).isZero();
        }
      }
    }
  }

  private static ViewerConnection onlyViewer(TestProxy proxy) {
    await().atMost(WAIT).until(() -> proxy.server().viewers().bySession("desk").size() == 1);
    return proxy.server().viewers().bySession("desk").get(0);
  }

  private static double closed(TestProxy proxy, String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", reason).counter().count();
  }

  private static double refused(TestProxy proxy, String reason) {
    var counter = proxy.server().meterRegistry().find("vnc.proxy.connections.refused").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }


  record Expected(byte[] bytes, Map<String, Long> dropped) {
  }

  /**
   * Frames RfbScript's four message kinds on its own (docs/protocol.md#framing): KeyEvent 8, PointerEvent 6,
   * FramebufferUpdateRequest 10, ClientCutText 8 + length; a pointer event with a button held or changed needs
   * pointer-buttons, else pointer-motion (docs/protocol.md#input-classes).
   */
  static Expected expected(byte[] stream, InputPermissions permissions) {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    kept.write(stream, 0, CLIENT_HANDSHAKE);
    Map<String, Long> dropped = new TreeMap<>();
    for (InputClass c : InputClass.values()) {
      dropped.put(c.label(), 0L);
    }
    int lastMask = 0;
    for (int at = CLIENT_HANDSHAKE; at < stream.length; ) {
      int type = stream[at] & 0xFF;
      int length;
      InputClass needs;
      switch (type) {
        case 4 -> {
          length = 8;
          needs = InputClass.KEYS;
        }
        case 5 -> {
          length = 6;
          int mask = stream[at + 1] & 0xFF;
          needs = mask != 0 || mask != lastMask ? InputClass.POINTER_BUTTONS : InputClass.POINTER_MOTION;
          lastMask = mask;
        }
        case 3 -> {
          length = 10;
          needs = null;
        }
        case 6 -> {
          length = 8 + (((stream[at + 4] & 0xFF) << 24) | ((stream[at + 5] & 0xFF) << 16)
              | ((stream[at + 6] & 0xFF) << 8) | (stream[at + 7] & 0xFF));
          needs = InputClass.CLIPBOARD;
        }
        default -> throw new AssertionError("type " + type);
      }
      if (needs == null || permissions.allows(needs)) {
        kept.write(stream, at, length);
      } else {
        dropped.merge(needs.label(), 1L, Long::sum);
      }
      at += length;
    }
    return new Expected(kept.toByteArray(), dropped);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
