package org.rfbactivity.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A minimal RFB 3.8 viewer with security type None (docs/protocol.md#handshake), enough to become a viewer and
 * type: what the examples' tests drive a real Xvnc with, directly or through a proxy.
 */
final class TestViewer implements AutoCloseable {

  private final ViewerTransport transport;

  TestViewer(ViewerTransport transport) {
    this.transport = transport;
  }

  /** ProtocolVersion, security type None, SecurityResult, ClientInit and ServerInit. */
  TestViewer handshake() throws Exception {
    assertThat(new String(transport.receive(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
    transport.send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
    int types = transport.receive(1)[0];
    assertThat(transport.receive(types)).as("Xvnc -SecurityTypes None").containsExactly(1);
    transport.send(new byte[] {1});                                  // None
    assertThat(transport.receive(4)).as("SecurityResult OK").containsExactly(0, 0, 0, 0);
    transport.send(new byte[] {1});                                  // ClientInit, shared
    byte[] serverInit = transport.receive(24);                       // size, pixel format, name length
    transport.receive(ByteBuffer.wrap(serverInit).getInt(20));       // the desktop name
    return this;
  }

  /** A KeyEvent down and up (docs/protocol.md#keyevent). */
  void type(int keysym) throws Exception {
    transport.send(ByteBuffer.allocate(16)
        .put((byte) 4).put((byte) 1).putShort((short) 0).putInt(keysym)
        .put((byte) 4).put((byte) 0).putShort((short) 0).putInt(keysym).array());
  }

  @Override
  public void close() throws Exception {
    transport.close();
  }
}
