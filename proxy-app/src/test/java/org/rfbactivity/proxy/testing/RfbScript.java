package org.rfbactivity.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Both sides of one scripted RFB 3.8 connection with security type None (docs/protocol.md#handshake, docs/protocol.md#none), followed by a payload
 * in each direction: valid client messages (KeyEvent, PointerEvent, FramebufferUpdateRequest, ClientCutText)
 * from the client, and random bytes (framebuffer data is not parsed by anyone) from the server.
 *
 * <p>The handshake is lock-step, so that neither side's bytes arrive ahead of what the protocol allows:
 * server version (12), client version (12), security types (2), client choice (1), SecurityResult (4),
 * ClientInit (1), ServerInit (24 + name).
 */
public final class RfbScript {

  static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  static final String DESKTOP_NAME = "scripted";

  final byte[] serverHandshake;
  final byte[] clientHandshake;
  final byte[] serverPayload;
  final byte[] clientPayload;

  private RfbScript(byte[] serverHandshake, byte[] clientHandshake, byte[] serverPayload, byte[] clientPayload) {
    this.serverHandshake = serverHandshake;
    this.clientHandshake = clientHandshake;
    this.serverPayload = serverPayload;
    this.clientPayload = clientPayload;
  }

  /** A script with {@code serverBytes} of framebuffer data and about {@code clientBytes} of client messages. */
  public static RfbScript random(long seed, int serverBytes, int clientBytes) {
    Random random = new Random(seed);
    ByteArrayOutputStream server = new ByteArrayOutputStream();
    server.writeBytes(VERSION);                               // ProtocolVersion
    server.writeBytes(new byte[] {1, 1});                     // 1 security type: None
    server.writeBytes(new byte[] {0, 0, 0, 0});               // SecurityResult OK
    server.writeBytes(serverInit(1024, 768));                 // ServerInit
    ByteArrayOutputStream client = new ByteArrayOutputStream();
    client.writeBytes(VERSION);                               // ProtocolVersion
    client.write(1);                                          // chosen security type None
    client.write(1);                                          // ClientInit shared=1
    byte[] serverPayload = new byte[serverBytes];
    random.nextBytes(serverPayload);
    return new RfbScript(server.toByteArray(), client.toByteArray(), serverPayload,
        clientMessages(random, clientBytes));
  }

  static byte[] serverInit(int width, int height) {
    byte[] name = DESKTOP_NAME.getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[24 + name.length];
    b[0] = (byte) (width >> 8);
    b[1] = (byte) width;
    b[2] = (byte) (height >> 8);
    b[3] = (byte) height;
    byte[] pixelFormat = {32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 16, 8, 0, 0, 0, 0};
    System.arraycopy(pixelFormat, 0, b, 4, 16);
    b[23] = (byte) name.length;                               // name length (u32, big-endian)
    System.arraycopy(name, 0, b, 24, name.length);
    return b;
  }

  /** Valid client messages (docs/protocol.md#client-messages) until at least {@code size} bytes. */
  static byte[] clientMessages(Random random, int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 64);
    while (out.size() < size) {
      switch (random.nextInt(4)) {
        case 0 -> {                                           // KeyEvent: type 4, down, pad 2, keysym u32
          out.writeBytes(new byte[] {4, (byte) random.nextInt(2), 0, 0});
          writeU32(out, 0x20 + random.nextInt(0x5f));
        }
        case 1 -> {                                           // PointerEvent: type 5, mask, x u16, y u16
          out.writeBytes(new byte[] {5, (byte) random.nextInt(8)});
          writeU16(out, random.nextInt(1024));
          writeU16(out, random.nextInt(768));
        }
        case 2 -> {                                           // FramebufferUpdateRequest: type 3, incr, x, y, w, h
          out.writeBytes(new byte[] {3, 1, 0, 0, 0, 0});
          writeU16(out, 1024);
          writeU16(out, 768);
        }
        default -> {                                          // ClientCutText: type 6, pad 3, length u32, text
          int length = random.nextInt(300);
          out.writeBytes(new byte[] {6, 0, 0, 0});
          writeU32(out, length);
          for (int i = 0; i < length; i++) {
            out.write('a' + random.nextInt(26));
          }
        }
      }
    }
    return out.toByteArray();
  }

  private static void writeU16(ByteArrayOutputStream out, int v) {
    out.write(v >> 8);
    out.write(v);
  }

  private static void writeU32(ByteArrayOutputStream out, int v) {
    writeU16(out, v >>> 16);
    writeU16(out, v & 0xffff);
  }

  /** Everything the server sends, in order. */
  public byte[] serverStream() {
    return concat(serverHandshake, serverPayload);
  }

  /** Everything the client sends, in order. */
  public byte[] clientStream() {
    return concat(clientHandshake, clientPayload);
  }

  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
