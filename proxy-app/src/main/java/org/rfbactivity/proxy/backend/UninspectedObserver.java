package org.rfbactivity.proxy.backend;

import io.netty.channel.ChannelHandler;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.Viewer;

/**
 * Tracks a viewer whose stream is not inspected at all (the proxy built with inspection off, for benchmarks):
 * the tracker sees it connected and not inspectable, so its session follows the blind policy.
 */
public final class UninspectedObserver implements ViewerObserver {

  /** The reason shown for such viewers in snapshots and metrics. */
  public static final String NOT_INSPECTED = "NOT_INSPECTED";

  private final ActivityTracker tracker;
  private final ViewerConnection connection;
  private Viewer viewer;

  public UninspectedObserver(ActivityTracker tracker, ViewerConnection connection) {
    this.tracker = tracker;
    this.connection = connection;
  }

  @Override
  public ChannelHandler backendInspector() {
    return null;
  }

  @Override
  public void relayStarted() {
    viewer = tracker.viewerOpened(connection.route().sessionId(), connection.id(),
        RfbActivityBridge.openingAttributes(connection), false);
  }

  @Override
  public void relayClosed() {
    tracker.viewerClosed(viewer);
  }
}
