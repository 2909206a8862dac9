package org.rfbactivity.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/** Last handler on the backend channel: server bytes go to the viewer; the server's end ends the viewer. */
final class BackendRelayHandler extends ChannelInboundHandlerAdapter {

  private final ViewerConnection viewer;

  BackendRelayHandler(ViewerConnection viewer) {
    this.viewer = viewer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      viewer.fromServer(buf);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    viewer.serverReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    viewer.backendWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    viewer.serverEnded();
  }

  /** The server's FIN, on a backend that allows half-closure (its viewer is a plain TCP one). */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE) {
      viewer.serverInputShutdown();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    viewer.close(CloseReason.SERVER_ERROR, ViewerLog.describe(cause));
  }
}
