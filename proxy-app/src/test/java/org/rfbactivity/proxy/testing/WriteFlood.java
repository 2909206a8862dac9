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
 * applies back-pressure stalls after about the two sockets' buffers.
 */
public final class WriteFlood {

  private WriteFlood() {}

  /** @return the bytes the other side took */
  public static long untilStalled(SocketChannel channel, byte[] unit, long limit, Duration stall) throws IOException {
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
      while (written < limit && System.nanoTime() - lastProgress < stall.toNanos()) {
        selector.select(100);
        selector.selectedKeys().clear();
        if (!units.hasRemaining()) {
          units.rewind();
        }
        int n = channel.write(units);
        if (n > 0) {
          written += n;
          lastProgress = System.nanoTime();
        }
      }
    }
    return written;
  }
}
