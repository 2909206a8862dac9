package org.rfbactivity.proxy.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * What every viewer-facing handler does the same way: flush to the server when a read burst ends, follow the
 * viewer's writability for back-pressure, pass its FIN on (half-close), and end the viewer when its connection ends or
 * fails. {@link #viewer} is null until the subclass creates it (in {@code channelActive}) or is given it.
 */
public abstract class FrontendHandler extends ChannelInboundHandlerAdapter {

  protected ViewerConnection viewer;

  protected FrontendHandler(ViewerConnection viewer) {
    this.viewer = viewer;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (viewer != null) {
      viewer.clientReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (viewer != null) {
      viewer.frontendWritabilityChanged();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (viewer != null) {
      viewer.clientEnded();
    }
  }

  /** The viewer's FIN, on a frontend that allows half-closure (plain TCP). */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE) {
      if (viewer != null) {
        viewer.clientInputShutdown();
      } else {
        ctx.close();
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (viewer != null) {
      viewer.clientFailed(cause);
    } else {
      ctx.close();
    }
  }
}
