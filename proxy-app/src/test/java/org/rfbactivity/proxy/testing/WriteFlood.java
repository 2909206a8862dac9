package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A peer that writes and never reads: it repeats {@code unit} until {@code limit} bytes are written or the other side
 * stops taking them (no progress for {@code stall}), waiting for writability with a selector (no sleeping). A proxy
 * that keeps reading what it must answer, while the answers pile up unread, takes all {@code limit} bytes; one that
 * applies back-pressure stalls after about the two sockets' buffers; one that closes the connection takes nothing more.
 */
public final class WriteFlood {

  private WriteFlood() {}

  /**
   * Repeats {@code unit} for {@code duration}, or until the other side closes the connection.
   *
   * @return the bytes the other side took
   */
  public static long during(SocketChannel channel, byte[] unit, Duration duration) throws IOException {
    return untilStalled(channel, unit, Long.MAX_VALUE, duration, duration);
  }

  /** @return the bytes the other side took */
  public static long untilStalled(SocketChannel channel, byte[] unit, long limit, Duration stall) throws IOException {
    return untilStalled(channel, unit, limit, stall, null);
  }

  private static long untilStalled(SocketChannel channel, byte[] unit, long limit, Duration stall, Duration duration)
      throws IOException {
    long deadline = duration == null ? 0 : System.nanoTime() + duration.toNanos();
    channel.configureBlocking(false);
    int repeat = Math.max(1, 64 * 1024 / unit.length);
    ByteBuffer units = ByteBuffer.allocate(unit.length * repeat);
    for (int i = 0; i < repeat; i++) {
      units.put(unit);
    }
    units.flip();
    long written = 0;
    long lastProgress = System.nanoTime();
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_WRITE);
      while (written < limit && System.nanoTime() - lastProgress < stall.toNanos()
          && (duration == null || System.nanoTime() - deadline < 0)) {
        selector.select(100);
        selector.selectedKeys().clear();
        if (!units.hasRemaining()) {
          units.rewind();
        }
        int n;
        try {
          n = channel.write(units);
        } catch (IOException closedByPeer) {
          return written; // the other side closed the connection: it takes nothing more
        }
        if (n > 0) {
          written += n;
          lastProgress = System.nanoTime();
        }
      }
    }
    return written;
  }
}
