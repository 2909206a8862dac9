package org.rfbactivity.proxy.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.proxy.config.Durations;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.ViewerConnection;

/**
 * Finds a WebSocket viewer that has vanished (a laptop closed, a network gone) without waiting for TCP to notice: when
 * nothing has been read from the viewer for a {@link PingSchedule#interval()}, it is sent a Ping frame (RFC 6455
 * §5.5.2: a viewer must answer with a Pong), and when still nothing has arrived a {@link PingSchedule#pongTimeout()}
 * later, it is closed with {@link CloseReason#NO_PONG}. So a vanished viewer is closed at most interval + pong timeout
 * after the last bytes it sent.
 *
 * <p>Only a quiet viewer is pinged: anything it sends proves it is there (its segments also acknowledge what it was
 * sent), so an active viewer costs no frames at all, and a quiet one one ping and one pong per interval, which also
 * keeps idle-timeout middleboxes (NATs, load balancers) from dropping the connection. Any bytes count, not only a
 * Pong: a Pong is just the least a live viewer sends. The pong itself is consumed by {@link WebSocketRelayHandler}
 * like any control frame; neither frame reaches the inspector or the VNC server.
 *
 * <p>One scheduled task per connection, on its own event loop, rescheduled from the time of the last read (as Netty's
 * {@code IdleStateHandler} does), never a timer per read. While the proxy itself is not reading the viewer
 * (back-pressure from the VNC server), the viewer's silence means nothing, and the watch starts over.
 */
final class WebSocketPing extends ChannelInboundHandlerAdapter {

  private final ViewerConnection viewer;
  private final long intervalNanos;
  private final long pongTimeoutNanos;
  private final String timeoutText;
  /** One task object per connection, scheduled again and again: nothing allocated per check. */
  private final Runnable check = this::check;

  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private long lastReadNanos;
  private boolean awaitingPong;
  private long pingSentNanos;

  WebSocketPing(ViewerConnection viewer, PingSchedule schedule) {
    this.viewer = viewer;
    this.intervalNanos = schedule.interval().toNanos();
    this.pongTimeoutNanos = schedule.pongTimeout().toNanos();
    this.timeoutText = "no pong within " + Durations.format(schedule.pongTimeout()) + " of a ping";
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    lastReadNanos = now();
    schedule(intervalNanos);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  /** Once per read burst rather than per frame: any bytes show the viewer is there, even half a frame. */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    lastReadNanos = now();
    awaitingPong = false;
    ctx.fireChannelReadComplete();
  }

  private void check() {
    timer = null;
    if (viewer.isClosed() || !ctx.channel().isActive()) {
      return;
    }
    long now = now();
    if (!ctx.channel().config().isAutoRead()) {
      lastReadNanos = now; // not reading it: its silence is ours
      awaitingPong = false;
      schedule(intervalNanos);
    } else if (awaitingPong) {
      long waited = now - pingSentNanos;
      if (waited >= pongTimeoutNanos) {
        viewer.close(CloseReason.NO_PONG, timeoutText);
      } else {
        schedule(pongTimeoutNanos - waited);
      }
    } else {
      long quiet = now - lastReadNanos;
      if (quiet < intervalNanos) {
        schedule(intervalNanos - quiet);
      } else {
        awaitingPong = true;
        pingSentNanos = now;
        // An empty payload: nothing to allocate, and the pong carries nothing back that must be checked.
        ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
        schedule(pongTimeoutNanos);
      }
    }
  }

  private void schedule(long delayNanos) {
    timer = ctx.executor().schedule(check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The event loop's own clock, the one its scheduled tasks run by. */
  private long now() {
    return ctx.executor().ticker().nanoTime();
  }
}
