package org.rfbactivity.proxy.bridge;

import io.netty.channel.EventLoop;
import java.time.Duration;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.proxy.relay.HandshakeOutcome;
import org.rfbactivity.proxy.relay.RelayMetrics;
import org.rfbactivity.proxy.relay.ViewerObserver;
import org.rfbactivity.proxy.relay.ViewerObservers;

/**
 * The RFB side of every connection: an {@link RfbActivityBridge} each, or an {@link UninspectedObserver} when the
 * proxy runs without the inspector (benchmarks); either with its {@link HandshakeTimer}. One per proxy.
 */
public final class ActivityObservers implements ViewerObservers {

  private final ActivityTracker tracker;
  private final RelayMetrics metrics;
  private final Duration handshakeTimeout;
  private final boolean inspect;

  /**
   * @param handshakeTimeout how long a connection has from its accept to become a viewer
   * @param inspect whether streams are inspected (false only to measure the relay without the codec)
   */
  public ActivityObservers(ActivityTracker tracker, RelayMetrics metrics, Duration handshakeTimeout,
      boolean inspect) {
    this.tracker = tracker;
    this.metrics = metrics;
    this.handshakeTimeout = handshakeTimeout;
    this.inspect = inspect;
  }

  @Override
  public ViewerObserver accepted(EventLoop loop, HandshakeOutcome relay) {
    HandshakeTimer timer = new HandshakeTimer(loop, handshakeTimeout, relay);
    return inspect ? new RfbActivityBridge(tracker, metrics, relay, timer)
        : new UninspectedObserver(tracker, relay, timer);
  }
}
