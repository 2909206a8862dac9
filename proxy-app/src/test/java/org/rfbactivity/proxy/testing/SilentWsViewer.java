package org.rfbactivity.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A WebSocket viewer on a plain socket (RFC 6455 §4 and §5 by hand: the upgrade request, masked binary frames) that
 * never answers a Ping: a viewer whose network vanished, as far as the proxy can tell, while its socket stays open.
 * Reading its {@link #in()} records every Ping (with the time it arrived) and the Close frame's status and reason.
 */
public final class SilentWsViewer implements ViewerTransport {


  /** A Ping frame as it arrived: its payload and {@link System#nanoTime()} when it was read. */
  public record Ping(byte[] payload, long arrivedNanos) {}

  /** The Close frame the proxy sent: its status code and reason text, and when it was read. */
  public record Close(int code, String reason, long arrivedNanos) {}

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream frames;
  private final Random masks = new Random();
  private final List<Ping> pings = Collections.synchronizedList(new ArrayList<>());
  private final InputStream in = new FrameInputStream();
  private volatile Close close;
  private long lastSentNanos;

  private SilentWsViewer(Socket socket, DataInputStream frames) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.frames = frames;
  }

  /** Connects and upgrades {@code path}; fails unless the answer is 101. */
  public static SilentWsViewer connect(InetSocketAddress address, String path) throws IOException {
    Socket s = new Socket();
    s.connect(address, 5000);
    s.setTcpNoDelay(true);
    s.setSoTimeout(30_000);
    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    DataInputStream frames = new DataInputStream(s.getInputStream());
    StringBuilder head = new StringBuilder();
    while (head.indexOf("\r\n\r\n") < 0) {
      head.append((char) frames.readUnsignedByte());
    }
    if (!head.toString().startsWith("HTTP/1.1 101 ")) {
      s.close();
      throw new IOException("upgrade refused: " + head.toString().lines().findFirst().orElse(""));
    }
    return new SilentWsViewer(s, frames);
  }

  /** Binary payloads in order; the end at the proxy's Close frame (recorded in {@link #closeFrame()}) or the socket's. */
  @Override
  public InputStream in() {
    return in;
  }

  /** One masked binary frame. */
  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(length + 14);
    f.write(0x80 | WsFrame.OP_BINARY);
    if (length < 126) {
      f.write(0x80 | length);
    } else {
      f.write(0x80 | 126);
      f.write(length >>> 8);
      f.write(length);
    }
    byte[] mask = new byte[4];
    masks.nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < length; i++) {
      f.write(bytes[offset + i] ^ mask[i & 3]);
    }
    lastSentNanos = System.nanoTime();
    out.write(f.toByteArray());
    out.flush();
  }

  /** {@link System#nanoTime()} just before the last frame was sent. */
  public long lastSentNanos() {
    return lastSentNanos;
  }

  /** The pings read so far, in order. */
  public List<Ping> pings() {
    return List.copyOf(pings);
  }

  /** The proxy's Close frame, or null when none was read (yet). */
  public Close closeFrame() {
    return close;
  }

  /** Whether the proxy closed the TCP connection after its Close frame (a read returns the end). */
  public boolean endOfStream() throws IOException {
    return frames.read() < 0;
  }

  /** Bytes received and not read yet. */
  public int available() throws IOException {
    return frames.available();
  }

  /** The next frame's binary payload, recording pings; null at the Close frame or the end. */
  private byte[] readFrame() throws IOException {
    while (true) {
      WsFrame frame = WsFrame.readFromServer(frames);
      if (frame == null) {
        return null;
      }
      int opcode = frame.opcode();
      byte[] payload = frame.payload();
      long now = System.nanoTime();
      switch (opcode) {
        case WsFrame.OP_BINARY, WsFrame.OP_CONTINUATION -> {
          return payload;
        }
        case WsFrame.OP_PING -> pings.add(new Ping(payload, now)); // and no Pong: this viewer is gone
        case WsFrame.OP_CLOSE -> {
          int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
          String reason = payload.length > 2
              ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
          close = new Close(code, reason, now);
          return null;
        }
        default -> throw new IOException("unexpected opcode " + opcode);
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private final class FrameInputStream extends ChunkInputStream {
    @Override
    protected byte[] nextChunk() throws IOException {
      return readFrame();
    }
  }
}
