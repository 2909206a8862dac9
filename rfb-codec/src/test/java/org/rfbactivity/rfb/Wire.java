package org.rfbactivity.rfb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds byte-array fixtures field by field, so each field of a transcript can carry its own comment. */
final class Wire {

  private Wire() {
  }

  /** Concatenates fields. */
  static byte[] bytes(byte[]... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] field : fields) {
      out.writeBytes(field);
    }
    return out.toByteArray();
  }

  static byte[] u8(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  static byte[] u16(int value) {
    return new byte[] {(byte) (value >>> 8), (byte) value};
  }

  static byte[] u16le(int value) {
    return new byte[] {(byte) value, (byte) (value >>> 8)};
  }

  static byte[] u32(long value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }

  static byte[] u32le(long value) {
    return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** {@code n} bytes of filler (an auth blob, a key, a body): the inspector never reads them. */
  static byte[] filler(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) (0xA5 ^ i);
    }
    return out;
  }

  static byte[] zeros(int n) {
    return new byte[n];
  }

  /** A 16-byte PIXEL_FORMAT: 32 bpp, depth 24, little-endian, true colour, 255/255/255, shifts 16/8/0. */
  static byte[] pixelFormat32() {
    return bytes(
        u8(32),          // bits-per-pixel
        u8(24),          // depth
        u8(0),           // big-endian-flag
        u8(1),           // true-colour-flag
        u16(255),        // red-max
        u16(255),        // green-max
        u16(255),        // blue-max
        u8(16),          // red-shift
        u8(8),           // green-shift
        u8(0),           // blue-shift
        zeros(3));       // padding
  }

  /** ServerInit (docs/protocol.md#serverinit) for a 1024x768 desktop with the given name. */
  static byte[] serverInit(String name) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    return bytes(
        u16(1024),              // framebuffer-width
        u16(768),               // framebuffer-height
        pixelFormat32(),        // server-pixel-format
        u32(nameBytes.length),  // name-length
        nameBytes);             // name-string
  }
}
