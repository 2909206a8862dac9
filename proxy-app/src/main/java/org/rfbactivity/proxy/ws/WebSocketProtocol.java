package org.rfbactivity.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.FrontendKind;
import org.rfbactivity.proxy.relay.FrontendProtocol;

/**
 * WebSocket: the server's reads of one burst become one binary frame (RFC 6455 §5.6, {@link ServerFramer}); closing
 * sends a Close frame first, whose status says why. One per connection, because a frame the decoder rejected closes
 * with the decoder's own status.
 */
final class WebSocketProtocol implements FrontendProtocol {

  /** The decoder's status for the frame it rejected (1009, 1002), or null to use the close reason's. */
  private WebSocketCloseStatus decoderStatus;

  /** The viewer sent a frame the decoder rejected: its Close frame carries {@code status} rather than the default. */
  void rejectedFrame(WebSocketCloseStatus status) {
    decoderStatus = status;
  }

  @Override
  public FrontendKind kind() {
    return FrontendKind.WEBSOCKET;
  }

  /** The buffer as it is: {@link ServerFramer}, further down the pipeline, frames a read burst's buffers at once. */
  @Override
  public Object wrap(ByteBuf serverBytes) {
    return serverBytes;
  }

  @Override
  public Object lastMessage(boolean relayStarted, CloseReason reason) {
    // Before the upgrade there is no WebSocket to close; an empty buffer passes the HTTP encoder untouched.
    if (!relayStarted) {
      return Unpooled.EMPTY_BUFFER;
    }
    return new CloseWebSocketFrame(reason == CloseReason.FRAME_ERROR && decoderStatus != null ? decoderStatus
        : status(reason));
  }

  @Override
  public void abort(Channel frontend, CloseReason reason) {
    if (frontend.isActive() && frontend.pipeline().get(WebSocketFrameEncoder.class) != null) {
      frontend.writeAndFlush(new CloseWebSocketFrame(status(reason))).addListener(ChannelFutureListener.CLOSE);
    } else {
      frontend.close();
    }
  }

  /** The status of the Close frame sent to a viewer closed for {@code reason}. */
  static WebSocketCloseStatus status(CloseReason reason) {
    return switch (reason) {
      case CLIENT_CLOSED, SERVER_CLOSED -> WebSocketCloseStatus.NORMAL_CLOSURE;
      case CLIENT_ERROR, FRAME_ERROR -> WebSocketCloseStatus.PROTOCOL_ERROR;
      case SERVER_ERROR -> WebSocketCloseStatus.INTERNAL_SERVER_ERROR;
      case FRAME_FLOOD, HANDSHAKE_TIMEOUT -> WebSocketCloseStatus.POLICY_VIOLATION;
      case TEXT_FRAME -> WebSocketCloseStatus.INVALID_MESSAGE_TYPE;
      case SHUTDOWN -> WebSocketCloseStatus.ENDPOINT_UNAVAILABLE;
      case ADMIN_DISCONNECT, IDLE_TIMEOUT, MAX_DURATION, BLIND_MAX_DURATION, TOKEN_REVOKED, TOKEN_EXPIRED,
          ROUTE_REMOVED, NO_PONG, CANNOT_ENFORCE ->
          // Private-use codes (RFC 6455 §7.4.2), so that a client can tell a policy's close from any other.
          new WebSocketCloseStatus(reason.wsCloseCode(), reason.wsCloseText());
    };
  }
}
