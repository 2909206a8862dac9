package org.rfbactivity.proxy.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal RFB 3.8 viewer for a server offering security None (docs/protocol.md#handshake): it reads the server's
 * ServerInit and sends key strokes, nothing else (no FramebufferUpdateRequest, so the server sends no pictures).
 */
public final class NoneSecurityViewer {

  private static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  /** What the server's ServerInit said. */
  public record ServerInit(int width, int height, String name) {}

  private final ViewerTransport transport;
  private final ServerInit serverInit;

  private NoneSecurityViewer(ViewerTransport transport, ServerInit serverInit) {
    this.transport = transport;
    this.serverInit = serverInit;
  }

  /** Runs the handshake (security None, shared ClientInit) to the client-message phase. */
  public static NoneSecurityViewer handshake(ViewerTransport transport) throws IOException {
    DataInputStream in = new DataInputStream(transport.in());
    String version = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
    if (!version.startsWith("RFB 003.")) {
      throw new IOException("not an RFB server: " + version.strip());
    }
    transport.write(VERSION, 0, VERSION.length);
    byte[] types = in.readNBytes(in.readUnsignedByte());
    if (!new String(types, StandardCharsets.ISO_8859_1).contains("\u0001")) {
      throw new IOException("security None not offered");
    }
    transport.write(new byte[] {1}, 0, 1);
    int result = in.readInt();
    if (result != 0) {
      throw new IOException("SecurityResult " + result);
    }
    transport.write(new byte[] {1}, 0, 1); // shared
    int width = in.readUnsignedShort();
    int height = in.readUnsignedShort();
    in.readFully(new byte[16]); // pixel format
    byte[] name = new byte[in.readInt()];
    in.readFully(name);
    return new NoneSecurityViewer(transport, new ServerInit(width, height, new String(name, StandardCharsets.UTF_8)));
  }

  public ServerInit serverInit() {
    return serverInit;
  }

  /** A KeyEvent down and one up for {@code keysym}: two messages, one write each. */
  public void type(int keysym) throws IOException {
    for (int down = 1; down >= 0; down--) {
      byte[] key = {4, (byte) down, 0, 0, (byte) (keysym >>> 24), (byte) (keysym >>> 16), (byte) (keysym >>> 8),
          (byte) keysym};
      transport.write(key, 0, key.length);
    }
  }
}
