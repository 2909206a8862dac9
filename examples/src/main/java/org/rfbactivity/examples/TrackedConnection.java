package org.rfbactivity.examples;

import java.util.Map;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.Viewer;
import org.rfbactivity.rfb.BlindReason;
import org.rfbactivity.rfb.Direction;
import org.rfbactivity.rfb.HandshakeCompleted;
import org.rfbactivity.rfb.InputKind;
import org.rfbactivity.rfb.RfbListener;

/**
 * The glue between the codec and the tracker for one connection, the part every embedder writes: the codec's events
 * become the tracker's viewer, inputs and blindness. The connection counts as a viewer once its handshake reached
 * the client-message phase, so a port scan or a health check touches no session (proxy-app's bridge also counts a
 * stream that went blind during its handshake once both directions carry bytes; this glue leaves such a connection
 * out).
 *
 * <p>Not thread-safe: called by whoever feeds the connection's inspector, one call at a time (a Netty event loop, or
 * a lock the embedder holds).
 */
public final class TrackedConnection implements RfbListener {

  /** The codec's input kinds by ordinal, as the tracker's of the same name: a lookup without allocation. */
  private static final org.rfbactivity.activity.InputKind[] TRACKER_KINDS = trackerKinds();

  private final ActivityTracker tracker;
  private final String sessionId;
  private final String connectionId;
  /** The tracker's handle; null until the handshake is done, and after the close. */
  private Viewer viewer;
  private boolean blind;
  private boolean closed;

  /**
   * @param tracker      the tracker, shared by every connection
   * @param sessionId    the desktop the connection reaches, as the embedder's routing knows it (never from the client)
   * @param connectionId unique among the session's connections on this process
   */
  public TrackedConnection(ActivityTracker tracker, String sessionId, String connectionId) {
    this.tracker = tracker;
    this.sessionId = sessionId;
    this.connectionId = connectionId;
  }

  @Override
  public void handshakeCompleted(HandshakeCompleted event) {
    if (!closed && event.inspectable()) {
      viewer = tracker.viewerOpened(sessionId, connectionId,
          Map.of("version", event.version().toString(), "security", event.securityType().toString()), true);
    }
  }

  @Override
  public void input(InputKind kind) {
    if (viewer != null) {
      tracker.input(viewer, TRACKER_KINDS[kind.ordinal()]);
    }
  }

  @Override
  public void inspectionLost(Direction direction, BlindReason reason, long offset) {
    blind = true;
    if (viewer != null) {
      tracker.inspectionLost(viewer, reason.name());
    }
  }

  /**
   * The relay passed a read of client bytes on: a blind viewer's traffic is all the tracker can know of it, and
   * counts as its blind policy says.
   */
  public void clientBytesRelayed() {
    if (blind && viewer != null) {
      tracker.input(viewer, org.rfbactivity.activity.InputKind.BLIND_TRAFFIC);
    }
  }

  /** The connection closed, for {@code reason} (a short label such as {@code client_closed}); only the first counts. */
  public void closed(String reason) {
    if (!closed) {
      closed = true;
      if (viewer != null) {
        tracker.viewerClosed(viewer, reason);
        viewer = null;
      }
    }
  }

  private static org.rfbactivity.activity.InputKind[] trackerKinds() {
    InputKind[] codec = InputKind.values();
    org.rfbactivity.activity.InputKind[] kinds = new org.rfbactivity.activity.InputKind[codec.length];
    for (InputKind kind : codec) {
      kinds[kind.ordinal()] = org.rfbactivity.activity.InputKind.valueOf(kind.name());
    }
    return kinds;
  }
}
