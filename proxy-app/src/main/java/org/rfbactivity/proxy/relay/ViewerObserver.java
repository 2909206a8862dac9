package org.rfbactivity.proxy.relay;

import io.netty.channel.ChannelPipeline;

/**
 * What watches one connection from its accept to its end and decides whether it has become a viewer: the RFB side of
 * the relay (the inspector and the activity tracking). It owns the handshake timer, and tells the relay what it
 * decided through the {@link HandshakeOutcome} it was given; until it says {@link HandshakeOutcome#established}
 * nothing about the connection reaches the session state. Created per connection by {@link ViewerObservers}; all
 * calls come on the connection's event loop.
 */
public interface ViewerObserver {

  /**
   * The route is known and the VNC server is being connected: {@code viewer} is who the connection is. Adds what
   * watches the server's stream to the new backend channel's {@code pipeline}; the relay's own handler goes after it.
   */
  void connecting(ViewerDescription viewer, ChannelPipeline pipeline);

  /** Client bytes were written to the server; the backend pipeline (the inspector) has seen them. */
  void clientDataRelayed();

  /** Server bytes arrived; the backend pipeline (the inspector) has seen them. */
  void serverDataRelayed();

  /**
   * The connection ended, refused or closed, a viewer or not. Called once.
   *
   * @param reason the close or refusal label ({@link CloseReason#label()}, {@link RefusalReason#label()})
   */
  void closed(String reason);
}
