package org.rfbactivity.proxy.backend;

import io.netty.channel.ChannelHandler;

/**
 * What watches one viewer's relay: a handler for the backend channel (the RFB inspector) and the relay's
 * start and end. Created per connection by {@link RelayServices#observe(ViewerConnection)}; all calls come on
 * the connection's event loop.
 */
public interface ViewerObserver {

  /** The handler placed first on the backend channel, or null when nothing inspects the stream. */
  ChannelHandler backendInspector();

  /** The VNC server is connected and bytes start to flow. */
  void relayStarted();

  /** The relay ended (called once, and only after {@link #relayStarted()}). */
  void relayClosed();
}
