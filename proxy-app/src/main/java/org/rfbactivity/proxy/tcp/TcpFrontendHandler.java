package org.rfbactivity.proxy.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.rfbactivity.proxy.relay.FrontendHandler;
import org.rfbactivity.proxy.relay.RefusalReason;
import org.rfbactivity.proxy.relay.RelayServices;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.route.ResolvedRoute;
import org.rfbactivity.proxy.route.RouteRefusedException;
import org.rfbactivity.proxy.route.RouteRequest;

/**
 * A native viewer on the raw TCP listener. It presents nothing to route by, so it gets the static route; the
 * channel does not read until the VNC server is connected, then bytes flow both ways unchanged.
 */
final class TcpFrontendHandler extends FrontendHandler {

  private final RelayServices services;
  private final boolean tls;

  TcpFrontendHandler(RelayServices services, boolean tls) {
    super(null);
    this.services = services;
    this.tls = tls;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    viewer = new ViewerConnection(ctx.channel(), TcpProtocol.INSTANCE, services);
    if (tls) {
      // Auto-read is off and SslHandler only keeps reading once a read has started: start the TLS handshake.
      ctx.read();
    } else {
      route(ctx);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && viewer != null) {
      if (done.isSuccess()) {
        route(ctx);
      } else {
        viewer.refuse(RefusalReason.TLS, "TLS handshake failed: " + done.cause().getClass().getSimpleName());
        ctx.close();
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  private void route(ChannelHandlerContext ctx) {
    services.routeLookup().lookup(RouteRequest.NONE, ctx.executor()).addListener((Future<ResolvedRoute> f) -> {
      if (!f.isSuccess()) {
        RouteRefusedException e = (RouteRefusedException) f.cause();
        viewer.refuse(e.unavailable() ? RefusalReason.ROUTE_UNAVAILABLE : RefusalReason.ROUTE, e.getMessage());
        ctx.close();
        return;
      }
      viewer.connect(f.getNow(), viewer::startRelay, reason -> {
        viewer.refuse(RefusalReason.BACKEND, reason);
        ctx.close();
      });
    });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf && viewer != null) {
      viewer.fromClient(buf);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }
}
