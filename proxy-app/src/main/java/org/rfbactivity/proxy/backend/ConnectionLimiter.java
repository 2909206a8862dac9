package org.rfbactivity.proxy.backend;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicInteger;
import org.rfbactivity.proxy.metrics.ProxyMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every frontend connection (TCP and WebSocket share one budget): beyond
 * {@code --max-connections} open connections a new one is closed at once, before any handler after this one
 * sees it active, so it costs no route lookup and no backend connection.
 */
@Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger("org.rfbactivity.proxy.viewer");
  private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf(ConnectionLimiter.class, "counted");

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final ProxyMetrics metrics;

  public ConnectionLimiter(int max, ProxyMetrics metrics) {
    this.max = max;
    this.metrics = metrics;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      metrics.refused(RefusalReason.LIMIT.label());
      log.warn("viewer refused remote={} reason=\"more than {} connections\"",
          Addresses.describe(ctx.channel().remoteAddress()), max);
      ctx.channel().config().setAutoRead(false);
      ctx.close();
      return;
    }
    ctx.channel().attr(COUNTED).set(Boolean.TRUE);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
      open.decrementAndGet();
      ctx.fireChannelInactive();
    }
  }
}
