package org.rfbactivity.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A WebSocket viewer written against RFC 6455 §5 directly, so that it can do what browser APIs hide: every write
 * becomes one message split into 1–8 fragments (a binary frame and continuation frames), each with a fresh random
 * mask, with Ping frames interleaved between the fragments (§5.4 allows control frames in the middle of a fragmented
 * message). Received Pong payloads are recorded in order; binary and continuation payloads form {@link #in()}.
 */
public final class FragmentingWsTransport implements ViewerTransport {


  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream frames;
  private final Random random;
  private final List<String> pingsSent = Collections.synchronizedList(new ArrayList<>());
  private final List<String> pongsReceived = Collections.synchronizedList(new ArrayList<>());
  /** Each data frame received, as "binary"/"continuation" and FIN, and its payload length. */
  private final List<String> dataFrames = Collections.synchronizedList(new ArrayList<>());
  private final InputStream in = new FrameInputStream();

  private FragmentingWsTransport(Socket socket, DataInputStream frames, long seed) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.frames = frames;
    this.random = new Random(seed);
  }

  /** Connects and upgrades {@code path}; fails unless the answer is 101. */
  public static FragmentingWsTransport connect(InetSocketAddress address, String path, long seed) throws IOException {
    // Through a channel, so that a test can go on writing without blocking (see socket()).
    Socket s = SocketChannel.open().socket();
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
    return new FragmentingWsTransport(s, frames, seed);
  }

  @Override
  public InputStream in() {
    return in;
  }

  /** The connection, for raw frames of a test's own ({@code socket().getChannel()} is never null). */
  public Socket socket() {
    return socket;
  }

  /** One binary message in random fragments, with a ping between some of them. */
  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    int fragments = 1 + random.nextInt(Math.min(8, Math.max(1, length)));
    int start = offset;
    for (int i = 0; i < fragments; i++) {
      int end = i == fragments - 1 ? offset + length : start + random.nextInt(offset + length - start + 1);
      writeFrame(i == fragments - 1, i == 0 ? WsFrame.OP_BINARY : WsFrame.OP_CONTINUATION, bytes, start,
          end - start);
      start = end;
      if (i < fragments - 1 && random.nextInt(3) == 0) {
        String ping = "ping-" + pingsSent.size();
        pingsSent.add(ping);
        byte[] p = ping.getBytes(StandardCharsets.US_ASCII);
        writeFrame(true, WsFrame.OP_PING, p, 0, p.length);
      }
    }
    out.flush();
  }

  private void writeFrame(boolean fin, int opcode, byte[] payload, int offset, int length) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(length + 14);
    f.write((fin ? 0x80 : 0) | opcode);
    if (length < 126) {
      f.write(0x80 | length);
    } else if (length < 65_536) {
      f.write(0x80 | 126);
      f.write(length >>> 8);
      f.write(length);
    } else {
      f.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        f.write((int) ((long) length >>> shift));
      }
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < length; i++) {
      f.write(payload[offset + i] ^ mask[i & 3]);
    }
    out.write(f.toByteArray());
  }

  /** Payloads of the pings sent so far, in order. */
  public List<String> pingsSent() {
    return List.copyOf(pingsSent);
  }

  /** Payloads of the pongs received so far, in order. */
  public List<String> pongsReceived() {
    return List.copyOf(pongsReceived);
  }

  /**
   * The data frames received so far, in order, each as its opcode, whether FIN was set and its payload length, e.g.
   * {@code "binary fin 65536"}.
   */
  public List<String> dataFrames() {
    return List.copyOf(dataFrames);
  }

  /**
   * Reads frames until the pong of the last ping sent has arrived (after the server's data has been read). A server
   * may answer only the newest of several pings it read together (RFC 6455 §5.5.3), so earlier ones may have none.
   */
  public void awaitPongs() throws IOException {
    String last = pingsSent.isEmpty() ? null : pingsSent.get(pingsSent.size() - 1);
    while (last != null && !pongsReceived.contains(last)) {
      if (readFrame() == null) {
        throw new EOFException("closed before the last ping's pong arrived");
      }
    }
  }

  /** The next frame's data payload (empty for a pong, which is recorded), or null at a Close frame or the end. */
  private byte[] readFrame() throws IOException {
    while (true) {
      WsFrame frame = WsFrame.readFromServer(frames);
      if (frame == null) {
        return null;
      }
      int opcode = frame.opcode();
      byte[] payload = frame.payload();
      switch (opcode) {
        case WsFrame.OP_BINARY, WsFrame.OP_CONTINUATION -> {
          dataFrames.add((opcode == WsFrame.OP_BINARY ? "binary" : "continuation") + (frame.fin() ? " fin " : " ")
              + payload.length);
          return payload;
        }
        case WsFrame.OP_PONG -> {
          pongsReceived.add(new String(payload, StandardCharsets.US_ASCII));
          return new byte[0];
        }
        case WsFrame.OP_CLOSE -> {
          return null;
        }
        default -> throw new IOException("unexpected opcode " + opcode);
      }
    }
  }

  /** Sends a Close frame (1000) and closes the socket; idempotent. */
  @Override
  public void close() throws IOException {
    if (socket.isClosed()) {
      return;
    }
    try {
      byte[] normal = {0x03, (byte) 0xE8};                      // status 1000
      synchronized (this) {
        writeFrame(true, WsFrame.OP_CLOSE, normal, 0, normal.length);
        out.flush();
      }
    } finally {
      socket.close();
    }
  }

  /** Server data in order, across frames. */
  private final class FrameInputStream extends ChunkInputStream {
    @Override
    protected byte[] nextChunk() throws IOException {
      return readFrame();
    }
  }
}
