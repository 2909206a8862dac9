package org.rfbactivity.proxy.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.rfbactivity.proxy.backend.CloseReason;
import org.rfbactivity.proxy.backend.ViewerConnection;

/**
 * After the upgrade: binary frames (and their continuations) carry RFB bytes to the server, their payload
 * buffer passed on as is; a text frame closes the viewer (RFB is binary: a text frame is a wrong or hostile
 * client); pings are answered; a Close frame ends the viewer.
 */
final class WebSocketRelayHandler extends ChannelInboundHandlerAdapter {

  private final ViewerConnection viewer;

  WebSocketRelayHandler(ViewerConnection viewer) {
    this.viewer = viewer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      viewer.fromClient(((io.netty.handler.codec.http.websocketx.WebSocketFrame) msg).content());
    } else if (msg instanceof PingWebSocketFrame ping) {
      if (viewer.isClosed()) {
        ping.release();
      } else {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
      }
    } else if (msg instanceof CloseWebSocketFrame) {
      ReferenceCountUtil.release(msg);
      viewer.close(CloseReason.CLIENT_CLOSED);
    } else if (msg instanceof PongWebSocketFrame) {
      ReferenceCountUtil.release(msg);
    } else {
      ReferenceCountUtil.release(msg);
      viewer.close(CloseReason.TEXT_FRAME);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    viewer.clientReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    viewer.frontendWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    viewer.close(CloseReason.CLIENT_CLOSED);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String detail = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    viewer.close(cause instanceof CorruptedWebSocketFrameException ? CloseReason.FRAME_ERROR : CloseReason.CLIENT_ERROR,
        detail);
  }
}
