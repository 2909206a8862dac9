package org.rfbactivity.proxy.relay;

import io.netty.channel.ChannelHandler;

/**
 * What watches one viewer's relay: a handler for the backend channel (the RFB inspector), the bytes that flow, and
 * the relay's end. It decides when the connection has become a viewer ({@link ViewerConnection#established}): until
 * then nothing about it reaches the session state. Created per connection by
 * {@link RelayServices#observe(ViewerConnection)}; all calls come on the connection's event loop.
 */
public interface ViewerObserver {

  /** The handler placed first on the backend channel, or null when nothing inspects the stream. */
  ChannelHandler backendInspector();

  /** Client bytes were written to the server; the backend pipeline (the inspector) has seen them. */
  void clientDataRelayed();

  /** Server bytes arrived; the backend pipeline (the inspector) has seen them. */
  void serverDataRelayed();

  /** The relay ended (called once, after the VNC server was connected), established or not. */
  void relayClosed();
}
