package org.rfbactivity.proxy.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * A WebSocket frame as the hand-written test clients see it (FIN, opcode, payload): the opcodes, and reading a
 * server's frame (RFC 6455).
 */
record WsFrame(boolean fin, int opcode, byte[] payload) {

  static final int OP_CONTINUATION = 0x0;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  /** The server's next frame (never masked), or null at the end of the stream. */
  static WsFrame readFromServer(DataInputStream in) throws IOException {
    int b0;
    try {
      b0 = in.readUnsignedByte();
    } catch (EOFException e) {
      return null;
    }
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    if ((b1 & 0x80) != 0) {
      throw new IOException("a server frame must not be masked (RFC 6455 §5.1)");
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    return new WsFrame((b0 & 0x80) != 0, b0 & 0x0F, payload);
  }
}
