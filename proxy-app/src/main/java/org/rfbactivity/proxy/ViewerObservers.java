package org.rfbactivity.proxy;

import io.netty.channel.ChannelHandler;
import java.util.function.Function;
import org.rfbactivity.proxy.backend.ViewerConnection;
import org.rfbactivity.proxy.backend.ViewerObserver;

/** Factories of {@link ViewerObserver}s. */
final class ViewerObservers {

  private static final ViewerObserver NONE = new ViewerObserver() {
    @Override
    public ChannelHandler backendInspector() {
      return null;
    }

    @Override
    public void relayStarted() {}

    @Override
    public void relayClosed() {}
  };

  private ViewerObservers() {}

  /** Relays without inspecting or tracking anything. */
  static Function<ViewerConnection, ViewerObserver> none() {
    return viewer -> NONE;
  }
}
