package org.rfbactivity.proxy.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closing one side of a relay without destroying what it still has to say. Closing a socket that still has unread
 * data makes the kernel send RST instead of FIN, and an RST can destroy the peer's last unread bytes: the final input
 * a viewer sent, or the reason a server gave for refusing it. So a side is half-closed and drained first.
 */
public final class GracefulClose {

  /**
   * How long a side may take to finish after the other side has: to close its end after ours is half-closed, or to
   * send what it still has after the other side's FIN (half-close). Then both are closed anyway, so that a peer that
   * never closes (a viewer that ignores the end of its server) cannot keep a connection open.
   */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

  private GracefulClose() {}

  /**
   * Flushes what is queued plus {@code last} (ownership moves here), half-closes, and reads (releasing what arrives:
   * the other side is gone) until the peer closes too. The whole of it takes at most {@link #DRAIN_TIMEOUT}, counted
   * from now: a peer that reads nothing (gone, or its receive window full) never lets the flush complete, and must not
   * keep the connection open for that.
   */
  public static void close(Channel ch, Object last) {
    if (!ch.isActive()) {
      ReferenceCountUtil.release(last);
      ch.close();
      return;
    }
    ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
      ch.close();
    }, DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    ch.closeFuture().addListener(closed -> deadline.cancel(false));
    ch.writeAndFlush(last).addListener((ChannelFutureListener) flushed -> {
      if (!flushed.isSuccess() || !(ch instanceof SocketChannel socket) || !socket.isActive()
          || socket.isInputShutdown()) {
        ch.close(); // nothing flushed can be lost, or the peer has already finished sending: no drain needed
        return;
      }
      socket.shutdownOutput().addListener(half -> {
        if (half.isSuccess() && socket.isActive()) {
          socket.config().setAutoRead(true);
        } else {
          socket.close();
        }
      });
    });
  }

  /** Shuts down {@code ch}'s output once what is queued for it is written (shutting down discards queued writes). */
  static void shutdownOutputAfterWrites(Channel ch) {
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
      if (written.isSuccess() && ch instanceof DuplexChannel duplex) {
        duplex.shutdownOutput();
      }
    });
  }
}
