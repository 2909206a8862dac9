package org.rfbactivity.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.FrontendHandler;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.relay.ViewerLog;

/**
 * After the upgrade: binary frames (and their continuations) carry RFB bytes to the server, their payload
 * buffer passed on as is (the relay gathers one read's payloads into one write and drops empty ones); a text frame
 * closes the viewer (RFB is binary: a text frame is a wrong or hostile client); a Close frame ends the viewer.
 * Pings are answered once per read with the newest ping's payload (RFC 6455 §5.5.3 allows answering only the most
 * recent), so a ping storm costs one pong, not one write and flush per ping; and the viewer is not read while its
 * pongs pile up unread. Every frame spends the viewer's {@link FrameBudget}.
 */
final class WebSocketRelayHandler extends FrontendHandler {

  private final WebSocketProtocol protocol;
  private final FrameBudget budget;
  /** The newest ping's payload of this read, answered when the read ends; null when none. */
  private ByteBuf pendingPong;

  WebSocketRelayHandler(ViewerConnection viewer, WebSocketProtocol protocol, FrameBudget budget) {
    super(viewer);
    this.protocol = protocol;
    this.budget = budget;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (viewer.isClosed()) {
      ReferenceCountUtil.release(msg); // frames decoded from the rest of a read after the close
      return;
    }
    if (!budget.take(System.nanoTime())) {
      ReferenceCountUtil.release(msg);
      viewer.close(CloseReason.FRAME_FLOOD, "more than " + FrameBudget.BURST + " frames at once or "
          + FrameBudget.FRAMES_PER_SECOND + " a second");
      return;
    }
    if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
      viewer.fromClient(((WebSocketFrame) msg).content());
    } else if (msg instanceof PingWebSocketFrame ping) {
      if (pendingPong != null) {
        pendingPong.release();
      }
      pendingPong = ping.content();
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
    ByteBuf pong = pendingPong;
    if (pong != null) {
      pendingPong = null;
      if (viewer.isClosed()) {
        pong.release();
      } else {
        ctx.writeAndFlush(new PongWebSocketFrame(pong));
        viewer.replyQueued();
      }
    }
    super.channelReadComplete(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (pendingPong != null) {
      pendingPong.release();
      pendingPong = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupt) {
      // The decoder discards the rest of the connection's input from now on (RFC 6455 §7.1.7: fail the connection).
      protocol.rejectedFrame(corrupt.closeStatus());
      viewer.close(CloseReason.FRAME_ERROR, ViewerLog.describe(cause));
    } else {
      viewer.clientFailed(cause);
    }
  }
}
