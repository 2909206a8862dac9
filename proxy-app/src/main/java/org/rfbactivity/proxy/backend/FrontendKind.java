package org.rfbactivity.proxy.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/** How server bytes travel to a viewer, and how a viewer is closed, for each kind of frontend. */
public enum FrontendKind {

  /** Raw TCP: the very same buffer is written; closing flushes what is pending first. */
  TCP("tcp") {
    @Override
    Object wrap(ByteBuf serverBytes) {
      return serverBytes;
    }

    @Override
    void closeAfterFlush(Channel frontend, boolean relaying, WebSocketCloseStatus status) {
      frontend.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  },

  /** WebSocket: each server read becomes one binary frame (RFC 6455 §5.6); closing sends a Close frame first. */
  WEBSOCKET("ws") {
    @Override
    Object wrap(ByteBuf serverBytes) {
      return new BinaryWebSocketFrame(serverBytes);
    }

    @Override
    void closeAfterFlush(Channel frontend, boolean relaying, WebSocketCloseStatus status) {
      if (relaying) {
        frontend.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
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

  /** Closes the viewer after what is queued has been written. */
  abstract void closeAfterFlush(Channel frontend, boolean relaying, WebSocketCloseStatus status);
}
