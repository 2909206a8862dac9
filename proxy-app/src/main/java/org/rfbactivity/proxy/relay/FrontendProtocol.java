package org.rfbactivity.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * What differs between kinds of frontend once a viewer is relayed: how the server's bytes travel to the viewer and
 * how the viewer is closed. Raw TCP passes buffers as they are ({@code tcp}); WebSocket frames them ({@code ws}).
 * Called on the viewer's event loop.
 */
public interface FrontendProtocol {

  /** Which frontend this is, for logs and metrics. */
  FrontendKind kind();

  /** The message that carries {@code serverBytes} to the viewer (ownership moves to it). */
  Object wrap(ByteBuf serverBytes);

  /**
   * What is written last before a graceful close of a viewer that is closed for {@code reason}.
   *
   * @param relayStarted whether the relay had started (for WebSocket: whether the upgrade was answered)
   */
  Object lastMessage(boolean relayStarted, CloseReason reason);

  /** Closes a viewer at fault at once (a WebSocket still gets its Close frame, which tells it why). */
  void abort(Channel frontend, CloseReason reason);
}
