package org.rfbactivity.proxy.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.rfbactivity.proxy.backend.CloseReason;
import org.rfbactivity.proxy.backend.FrontendHandler;
import org.rfbactivity.proxy.backend.ViewerConnection;

/**
 * After the upgrade: binary frames (and their continuations) carry RFB bytes to the server, their payload
 * buffer passed on as is; a text frame closes the viewer (RFB is binary: a text frame is a wrong or hostile
 * client); pings are answered (and the viewer is not read while its pongs pile up unread); a Close frame ends
 * the viewer.
 */
final class WebSocketRelayHandler extends FrontendHandler {

  WebSocketRelayHandler(ViewerConnection viewer) {
    super(viewer);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      viewer.fromClient(((WebSocketFrame) msg).content());
    } else if (msg instanceof PingWebSocketFrame ping) {
      if (viewer.isClosed()) {
        ping.release();
      } else {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
        viewer.replyQueued();
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
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupt) {
      // The decoder discards the rest of the connection's input from now on (RFC 6455 §7.1.7: fail the connection).
      viewer.close(CloseReason.FRAME_ERROR, ViewerConnection.describeCause(cause), corrupt.closeStatus());
    } else {
      viewer.clientFailed(cause);
    }
  }
}
