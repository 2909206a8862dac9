package org.rfbactivity.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;

/** How server bytes travel to a viewer, and how a viewer is closed, for each kind of frontend. */
public enum FrontendKind {

  /** Raw TCP: the very same buffer is written; closing flushes what is pending first. */
  TCP("tcp") {
    @Override
    Object wrap(ByteBuf serverBytes) {
      return serverBytes;
    }

    @Override
    Object lastMessage(boolean relaying, WebSocketCloseStatus status) {
      return Unpooled.EMPTY_BUFFER;
    }

    @Override
    void abort(Channel frontend, CloseReason reason) {
      frontend.close();
    }
  },

  /** WebSocket: each server read becomes one binary frame (RFC 6455 §5.6); closing sends a Close frame first. */
  WEBSOCKET("ws") {
    @Override
    Object wrap(ByteBuf serverBytes) {
      return new BinaryWebSocketFrame(serverBytes);
    }

    @Override
    Object lastMessage(boolean relaying, WebSocketCloseStatus status) {
      // Before the upgrade there is no WebSocket to close; an empty buffer passes the HTTP encoder untouched.
      return relaying ? new CloseWebSocketFrame(status) : Unpooled.EMPTY_BUFFER;
    }

    @Override
    void abort(Channel frontend, CloseReason reason) {
      if (frontend.isActive() && frontend.pipeline().get(WebSocketFrameEncoder.class) != null) {
        frontend.writeAndFlush(new CloseWebSocketFrame(reason.webSocketStatus()))
            .addListener(ChannelFutureListener.CLOSE);
      } else {
        frontend.close();
      }
    }
  };

  private final String label;

  FrontendKind(String label) {
    this.label = label;
  }

  /** {@code tcp} or {@code ws}: used in logs and as a metric tag. */
  public String label() {
    return label;
  }

  /** The message that carries {@code serverBytes} to this kind of viewer (ownership moves to it). */
  abstract Object wrap(ByteBuf serverBytes);

  /** What is written last before a graceful close: nothing for TCP, a Close frame for an open WebSocket. */
  abstract Object lastMessage(boolean relaying, WebSocketCloseStatus status);

  /** Closes a viewer at fault at once (a WebSocket still gets its Close frame, which tells it why). */
  abstract void abort(Channel frontend, CloseReason reason);
}
