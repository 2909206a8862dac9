package org.rfbactivity.proxy.relay;

import io.netty.channel.EventLoop;

/** Creates the {@link ViewerObserver} of each accepted connection. One per proxy. */
@FunctionalInterface
public interface ViewerObservers {

  /**
   * A connection was accepted on {@code loop}: its observer, which from now on times its handshake and tells
   * {@code relay} how it ends.
   */
  ViewerObserver accepted(EventLoop loop, HandshakeOutcome relay);
}
