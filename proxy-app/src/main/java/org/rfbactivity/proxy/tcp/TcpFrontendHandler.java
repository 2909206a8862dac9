package org.rfbactivity.proxy.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.rfbactivity.proxy.relay.FrontendHandler;
import org.rfbactivity.proxy.relay.OpenListener;
import org.rfbactivity.proxy.relay.RefusalReason;
import org.rfbactivity.proxy.relay.RelayServices;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.route.RouteRequest;

/**
 * A native viewer on the raw TCP listener. It presents nothing to route by, so it gets the static route; the
 * channel does not read until the VNC server is connected, then bytes flow both ways unchanged. A refused viewer is
 * simply closed: raw RFB has no way to say why before the server's banner.
 */
final class TcpFrontendHandler extends FrontendHandler implements OpenListener {

  private final RelayServices services;
  private final boolean tls;
  private ChannelHandlerContext ctx;

  TcpFrontendHandler(RelayServices services, boolean tls) {
    super(null);
    this.services = services;
    this.tls = tls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    viewer = new ViewerConnection(ctx.channel(), TcpProtocol.INSTANCE, services);
    if (tls) {
      // Auto-read is off and SslHandler only keeps reading once a read has started: start the TLS handshake.
      ctx.read();
    } else {
      viewer.open(RouteRequest.NONE, this);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && viewer != null) {
      if (done.isSuccess()) {
        viewer.open(RouteRequest.NONE, this);
      } else {
        viewer.refuse(RefusalReason.TLS, "TLS handshake failed: " + done.cause().getClass().getSimpleName());
        ctx.close();
      }
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void connected() {
    viewer.startRelay();
  }

  @Override
  public void refused(RefusalReason reason) {
    ctx.close();
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
