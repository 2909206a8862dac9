package org.rfbactivity.rfb.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A recorded RFB connection: its chunks in the order a tap saw them, each with its direction and the tap's clock.
 * Only the server's first {@link #SERVER_PREFIX_BYTES} bytes are kept, enough for the handshake and ServerInit that
 * the inspector reads from the server (it reads nothing after them); the client's bytes are kept whole.
 *
 * <p>The file: {@code RFBREC1\n}, then per chunk one byte direction (0 client→server, 1 server→client), the
 * microseconds since the previous chunk and the length as unsigned LEB128 varints, and the bytes.
 */
public final class StreamRecording {

  /** The server bytes a recording keeps. */
  public static final int SERVER_PREFIX_BYTES = 1024;
  private static final byte[] MAGIC = "RFBREC1\n".getBytes(StandardCharsets.US_ASCII);

  /** One chunk: {@code micros} since the recording's first chunk. */
  public record Chunk(boolean fromClient, long micros, byte[] bytes) {}

  private final List<Chunk> chunks;

  public StreamRecording(List<Chunk> chunks) {
    this.chunks = List.copyOf(chunks);
  }

  public List<Chunk> chunks() {
    return chunks;
  }

  /** The client's bytes, whole. */
  public byte[] clientBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Chunk c : chunks) {
      if (c.fromClient()) {
        out.writeBytes(c.bytes());
      }
    }
    return out.toByteArray();
  }

  /** The time, in microseconds, of the chunk that carried each client byte. */
  public long[] clientByteMicros() {
    long[] micros = new long[clientBytes().length];
    int at = 0;
    for (Chunk c : chunks) {
      if (c.fromClient()) {
        Arrays.fill(micros, at, at + c.bytes().length, c.micros());
        at += c.bytes().length;
      }
    }
    return micros;
  }

  public void writeTo(OutputStream out) throws IOException {
    out.write(MAGIC);
    long previous = 0;
    for (Chunk c : chunks) {
      out.write(c.fromClient() ? 0 : 1);
      writeVarint(out, c.micros() - previous);
      writeVarint(out, c.bytes().length);
      out.write(c.bytes());
      previous = c.micros();
    }
  }

  public static StreamRecording readFrom(InputStream in) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a stream recording");
    }
    List<Chunk> chunks = new ArrayList<>();
    long micros = 0;
    for (int direction = in.read(); direction >= 0; direction = in.read()) {
      micros += readVarint(in);
      int length = Math.toIntExact(readVarint(in));
      byte[] bytes = in.readNBytes(length);
      if (bytes.length != length || direction > 1) {
        throw new IOException("truncated or corrupt recording");
      }
      chunks.add(new Chunk(direction == 0, micros, bytes));
    }
    return new StreamRecording(chunks);
  }

  private static void writeVarint(OutputStream out, long value) throws IOException {
    if (value < 0) {
      throw new IOException("time went backwards");
    }
    while (value >= 0x80) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long readVarint(InputStream in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("truncated varint");
      }
      value |= (long) (b & 0x7F) << shift;
      if (b < 0x80) {
        return value;
      }
    }
    throw new IOException("varint too long");
  }
}
