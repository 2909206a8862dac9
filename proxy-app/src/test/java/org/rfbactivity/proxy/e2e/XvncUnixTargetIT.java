package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rfbactivity.proxy.config.UnixSocketTarget;
import org.rfbactivity.proxy.relay.Transport;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.ViewerTransport;
import org.rfbactivity.proxy.testing.WsTransport;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * {@code --unix-target}: real Xvnc listening on a Unix socket only for the proxy ({@code -rfbunixpath}); viewers over
 * WebSocket and TCP reach it through the proxy on each transport, and get exactly Xvnc's ServerInit.
 */
@ExtendWith(LeakWatch.class)
class XvncUnixTargetIT {

  static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  /** epoll and NIO, which load on every machine this suite runs on, and io_uring where the kernel allows it. */
  static List<String> transports() {
    return Transport.IO_URING.isAvailable() ? List.of("epoll", "nio", "io_uring") : List.of("epoll", "nio");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void viewersReachAVncServerOnAUnixSocket(String transport) throws Exception {
    Path socket = dir.resolve("xvnc.sock");
    try (XvncServer xvnc = XvncServer.startWithOptions(320, 200, List.of("-SecurityTypes", "None", "-rfbunixpath",
        socket.toString(), "-desktop", "unix-desk"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));
      try (TestProxy proxy = TestProxy.start("--unix-target", socket.toString(), "--session-id", "desk",
          "--tcp-listen", "127.0.0.1:0", "--transport", transport)) {
        try (WsTransport ws = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
          assertServerInit(ws);
          assertThat(proxy.server().viewers().bySession("desk")).singleElement()
              .satisfies(v -> assertThat(v.description().route().target()).isEqualTo(new UnixSocketTarget(socket)));
        }
        try (TcpTransport tcp = TcpTransport.connect(proxy.tcp())) {
          assertServerInit(tcp);
        }
      }
    }
  }

  /** RFB 3.8 with security None, shared ClientInit: Xvnc's ServerInit says 320x200 and its desktop name. */
  private static void assertServerInit(ViewerTransport viewer) throws IOException {
    DataInputStream in = new DataInputStream(viewer.in());
    assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
    viewer.write(VERSION, 0, VERSION.length);
    int types = in.readUnsignedByte();
    assertThat(in.readNBytes(types)).contains((byte) 1);
    viewer.write(new byte[] {1}, 0, 1);
    assertThat(in.readInt()).as("SecurityResult OK").isZero();
    viewer.write(new byte[] {1}, 0, 1);
    assertThat(in.readUnsignedShort()).isEqualTo(320);
    assertThat(in.readUnsignedShort()).isEqualTo(200);
    in.readNBytes(16); // pixel format
    int nameLength = in.readInt();
    assertThat(new String(in.readNBytes(nameLength), StandardCharsets.UTF_8)).isEqualTo("unix-desk");
  }
}
