package org.rfbactivity.proxy.bridge;

import org.rfbactivity.activity.PolicyReason;
import org.rfbactivity.activity.Viewer;
import org.rfbactivity.activity.ViewerCloser;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.ViewerRegistry;

/**
 * The tracker's policy closes (docs/architecture.md#policies) carried out on the viewer's connection, with the
 * WebSocket close code of each reason (docs/architecture.md#policy-closes). Called on the tracker's flusher thread:
 * {@code closeFor} hands the close to the connection's event loop and returns at once. A viewer that is already gone
 * has nothing left to close; its close reached the tracker by its own way.
 */
public final class PolicyCloser implements ViewerCloser {

  private final ViewerRegistry viewers;

  public PolicyCloser(ViewerRegistry viewers) {
    this.viewers = viewers;
  }

  @Override
  public void close(Viewer viewer, PolicyReason reason) {
    viewers.byId(viewer.viewerId()).ifPresent(connection -> connection.closeFor(closeReason(reason)));
  }

  static CloseReason closeReason(PolicyReason reason) {
    return switch (reason) {
      case IDLE_TIMEOUT -> CloseReason.IDLE_TIMEOUT;
      case MAX_DURATION -> CloseReason.MAX_DURATION;
      case BLIND_MAX_DURATION -> CloseReason.BLIND_MAX_DURATION;
    };
  }
}
