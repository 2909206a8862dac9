package org.rfbactivity.proxy.bridge;

import io.netty.channel.ChannelPipeline;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.Viewer;
import org.rfbactivity.proxy.relay.HandshakeFacts;
import org.rfbactivity.proxy.relay.HandshakeOutcome;
import org.rfbactivity.proxy.relay.ViewerDescription;
import org.rfbactivity.proxy.relay.ViewerObserver;

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
  private final HandshakeOutcome relay;
  private final HandshakeTimer timer;
  /** Who the connection is; null until the route is known. */
  private ViewerDescription description;
  private boolean clientSent;
  private boolean serverSent;
  private Viewer viewer;

  UninspectedObserver(ActivityTracker tracker, HandshakeOutcome relay, HandshakeTimer timer) {
    this.tracker = tracker;
    this.relay = relay;
    this.timer = timer;
  }

  /** Nothing watches the stream: the backend pipeline is the relay's alone. */
  @Override
  public void connecting(ViewerDescription viewer, ChannelPipeline pipeline) {
    description = viewer;
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
      viewer = tracker.viewerOpened(description.route().sessionId(), description.id(),
          ViewerAttributes.opening(description), false, description.route().policy().toViewerPolicy());
      timer.stop();
      relay.established(new HandshakeFacts(null, null, NOT_INSPECTED));
      relay.serverStreamUnwatched(); // nothing parses the server's bytes: established, they matter no more
    }
  }

  @Override
  public void closed(String reason) {
    timer.stop();
    if (viewer != null) {
      tracker.viewerClosed(viewer, reason);
    }
  }
}
