package org.rfbactivity.proxy.relay;

import io.netty.channel.ChannelHandler;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.Viewer;

/**
 * Tracks a viewer whose stream is not inspected at all (the proxy built with inspection off, for benchmarks). Without
 * a parser the only proof of a viewer is traffic: it is established once both directions have carried bytes (a bare
 * connect that reads the banner and leaves never is), and from then on what it sends is
 * {@link InputKind#BLIND_TRAFFIC}, which counts as the blind policy says.
 */
public final class UninspectedObserver implements ViewerObserver {

  /** The reason shown for such viewers in snapshots and metrics. */
  public static final String NOT_INSPECTED = "NOT_INSPECTED";

  private final ActivityTracker tracker;
  private final ViewerConnection connection;
  private boolean clientSent;
  private boolean serverSent;
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
  public void clientDataRelayed() {
    if (viewer != null) {
      tracker.input(viewer, InputKind.BLIND_TRAFFIC);
    } else {
      clientSent = true;
      establishOnceBothSent();
    }
  }

  @Override
  public void serverDataRelayed() {
    if (viewer == null) {
      serverSent = true;
      establishOnceBothSent();
    }
  }

  private void establishOnceBothSent() {
    if (clientSent && serverSent) {
      viewer = tracker.viewerOpened(connection.route().sessionId(), connection.id(),
          RfbActivityBridge.openingAttributes(connection), false);
      connection.established(null, null, NOT_INSPECTED);
    }
  }

  @Override
  public void relayClosed() {
    if (viewer != null) {
      tracker.viewerClosed(viewer);
    }
  }
}
