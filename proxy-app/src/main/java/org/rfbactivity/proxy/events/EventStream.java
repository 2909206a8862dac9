package org.rfbactivity.proxy.events;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One open {@code /api/events} stream: the last handler of its admin channel. Frames are offered from any thread and
 * written on the channel's event loop; once its unsent bytes pass the channel's high water mark
 * ({@link EventHub#MAX_BUFFERED_BYTES}) the client is too slow and the channel is closed (it can resume with
 * {@code Last-Event-ID}).
 */
final class EventStream extends ChannelInboundHandlerAdapter {

  private final EventHub hub;
  private final Channel channel;
  /** Wire names to send, or null for all. */
  private final Set<String> types;
  /** Touched on the event loop only. */
  private boolean slow;
  private ScheduledFuture<?> keepAlive;

  EventStream(EventHub hub, Channel channel, Set<String> types) {
    this.hub = hub;
    this.channel = channel;
    this.types = types;
  }

  boolean accepts(EventFrame frame) {
    return types == null || types.contains(frame.type());
  }

  /** Queues {@code frame} for the event loop when the filter takes it. Any thread; never blocks. */
  void offer(EventFrame frame) {
    if (!accepts(frame)) {
      return;
    }
    try {
      channel.eventLoop().execute(() -> write(Unpooled.wrappedBuffer(frame.bytes())));
    } catch (RejectedExecutionException e) {
      // The admin event loop is shutting down and closes the channel itself.
    }
  }

  /** Writes and flushes {@code bytes}; on the event loop. */
  void write(ByteBuf bytes) {
    if (!channel.isActive()) {
      bytes.release();
      return;
    }
    channel.writeAndFlush(EventHub.chunk(bytes));
    closeIfSlow();
  }

  void keepAliveEvery(Duration period) {
    long millis = period.toMillis();
    keepAlive = channel.eventLoop().scheduleAtFixedRate(() -> write(Unpooled.wrappedBuffer(EventHub.keepAliveLine())),
        millis, millis, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> keepAlive.cancel(false));
  }

  private void closeIfSlow() {
    if (!channel.isWritable() && !slow && channel.isActive()) {
      slow = true;
      hub.slowDisconnect();
      channel.close();
    }
  }

  void close() {
    channel.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // The stream is the connection's last answer: a request pipelined behind it is dropped.
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    closeIfSlow();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset by the client, mostly; nothing to report
  }
}
