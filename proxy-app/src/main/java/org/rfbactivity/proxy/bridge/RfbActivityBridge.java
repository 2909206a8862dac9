package org.rfbactivity.proxy.bridge;

import io.netty.channel.ChannelPipeline;
import java.util.Map;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.Viewer;
import org.rfbactivity.activity.ViewerPolicy;
import org.rfbactivity.proxy.relay.HandshakeFacts;
import org.rfbactivity.proxy.relay.HandshakeOutcome;
import org.rfbactivity.proxy.relay.RelayMetrics;
import org.rfbactivity.proxy.relay.ViewerDescription;
import org.rfbactivity.proxy.relay.ViewerObserver;
import org.rfbactivity.rfb.BlindReason;
import org.rfbactivity.rfb.Direction;
import org.rfbactivity.rfb.HandshakeCompleted;
import org.rfbactivity.rfb.InputKind;
import org.rfbactivity.rfb.RfbCounters;
import org.rfbactivity.rfb.RfbInspector;
import org.rfbactivity.rfb.RfbInspectorConfig;
import org.rfbactivity.rfb.RfbListener;
import org.rfbactivity.rfb.SecurityFailure;
import org.rfbactivity.rfb.ServerInit;
import org.rfbactivity.rfb.SyntheticInputDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only class that knows both the RFB codec and the activity tracker (docs/architecture.md#modules-and-their-dependencies). One per connection: it owns
 * the connection's {@link HandshakeTimer} from its accept and its {@link RfbInspector} (placed first on the backend
 * channel) once it is routed, decides when the connection has become a viewer, and only then tells the tracker about
 * it. What it knows of the viewer is the {@link ViewerDescription} the relay hands it; what it tells the relay goes
 * through {@link HandshakeOutcome}.
 *
 * <p><b>Established.</b> A connection counts as a viewer, for activity and for the API's viewer list, only once its
 * RFB handshake reached the client-message phase. One whose stream went blind on the way (an encrypting security
 * type, an unknown protocol) is established once both directions have carried bytes after the point where it went
 * blind: a client that picks TLS and then stays silent, a health check that reads the banner and hangs up, a port
 * scan, never is. Until then nothing reaches the tracker, and the handshake timer keeps running.
 *
 * <p>After that: each classified input goes to {@code input} ({@link InputKinds}, no allocation), re-classified as
 * SYNTHETIC by the viewer's {@link SyntheticInputDetector} when it is a jiggler's (docs/protocol.md#synthetic-input;
 * keysyms are revealed to the bridge for it, and go nowhere else), the handshake
 * facts become viewer attributes, a stream that goes blind becomes {@code inspectionLost}, and every read of a blind
 * viewer's client bytes is one {@link org.rfbactivity.activity.InputKind#BLIND_TRAFFIC}, which counts as the blind
 * policy says (so a silent blind viewer turns idle).
 *
 * <p>All callbacks arrive on the viewer's event loop; the tracker calls made here never block.
 */
final class RfbActivityBridge implements RfbListener, ViewerObserver {

  private static final Logger log = LoggerFactory.getLogger("org.rfbactivity.proxy.viewer");

  /** Keysyms revealed for the detector only, which keeps none but an untyped key's; nothing logs or stores them. */
  private static final RfbInspectorConfig INSPECTOR_CONFIG = RfbInspectorConfig.builder().revealKeysyms(true).build();

  /** No mark yet: the stream has not gone blind before it was established. */
  private static final long NO_MARK = -1;

  private final ActivityTracker tracker;
  private final RelayMetrics metrics;
  private final HandshakeOutcome relay;
  private final HandshakeTimer timer;
  private final SyntheticInputDetector detector;
  /** Who the connection is, and its inspector; both null until the route is known and the server connected. */
  private ViewerDescription description;
  private RfbInspector inspector;
  /** The tracker's handle; null until established. */
  private Viewer viewer;
  private String version;
  private String security;
  private String desktopSize;
  private String blindReason;
  /** Where each direction stood when the stream went blind before being established; NO_MARK otherwise. */
  private long clientMark = NO_MARK;
  private long serverMark = NO_MARK;
  /** After the relay closed, a draining backend may still be parsed: its events no longer concern anyone. */
  private boolean closed;

  RfbActivityBridge(ActivityTracker tracker, RelayMetrics metrics, HandshakeOutcome relay, HandshakeTimer timer) {
    this.tracker = tracker;
    this.metrics = metrics;
    this.relay = relay;
    this.timer = timer;
    // The tracker's ticker: the detector's periods and the active window are measured on one clock.
    this.detector = new SyntheticInputDetector(tracker.config().ticker()::read);
  }

  // ---------------------------------------------------------------- ViewerObserver (the relay)

  @Override
  public void connecting(ViewerDescription viewer, ChannelPipeline pipeline) {
    description = viewer;
    inspector = new RfbInspector(INSPECTOR_CONFIG, this);
    // First on the backend channel: server bytes are its reads, client bytes its writes.
    pipeline.addLast("rfb-inspector", inspector);
  }

  @Override
  public void clientDataRelayed() {
    if (viewer != null) {
      if (blindReason != null) {
        tracker.input(viewer, org.rfbactivity.activity.InputKind.BLIND_TRAFFIC);
      }
    } else if (clientMark != NO_MARK) {
      establishIfBothDirectionsMoved();
    }
  }

  @Override
  public void serverDataRelayed() {
    if (viewer == null && clientMark != NO_MARK) {
      establishIfBothDirectionsMoved();
    }
  }

  @Override
  public void closed(String reason) {
    timer.stop();
    closed = true;
    if (viewer != null) {
      tracker.viewerClosed(viewer, reason);
      if (blindReason != null) {
        metrics.blindViewerClosed(blindReason);
      }
    }
  }

  // ---------------------------------------------------------------- RfbListener (the codec)

  @Override
  public void handshakeCompleted(HandshakeCompleted event) {
    if (closed) {
      return;
    }
    version = event.version().toString();
    security = event.securityType().toString();
    if (event.inspectable()) {
      establish();
    }
    // Otherwise the stream went blind after the security type was chosen: inspectionLost follows at once.
  }

  @Override
  public void serverInit(ServerInit event) {
    if (closed) {
      return;
    }
    desktopSize = event.width() + "x" + event.height();
    if (viewer != null) {
      tracker.viewerAttribute(viewer, ViewerAttributes.DESKTOP_SIZE, desktopSize);
    }
    // The last server message the inspector reads (docs/architecture.md#splice): later server bytes are only counted.
    relay.serverStreamUnwatched();
  }

  @Override
  public void securityFailed(SecurityFailure failure) {
    if (!closed && viewer == null) {
      // Code 0: refused before any authentication (no security type offered, a refused VeNCrypt version), as a
      // server that blacklists the proxy answers everyone. Never the reason text: it may name the user.
      relay.securityRefused(failure.code() != 0);
    }
  }

  @Override
  public void key(boolean down, int keysym) {
    detector.key(down, keysym);
  }

  @Override
  public void pointer(InputKind kind, int buttonMask, int x, int y) {
    detector.pointer(kind, buttonMask, x, y);
  }

  @Override
  public void input(InputKind kind) {
    // No closed check needed: inputs come from client bytes, and none are written after the relay closed; and none
    // before establishment, which the client-message phase is.
    tracker.input(viewer, InputKinds.toTracker(detector.classify(kind)));
  }

  @Override
  public void inspectionLost(Direction direction, BlindReason reason, long offset) {
    if (closed) {
      return;
    }
    blindReason = reason.name();
    if (viewer != null) {
      tracker.inspectionLost(viewer, blindReason);
      metrics.blindViewerOpened(blindReason);
      log.info("viewer blind id={} session={} reason={} direction={} offset={}", description.id(),
          description.route().sessionId(), blindReason, direction, offset);
      return;
    }
    // Blind before the client-message phase: from here on only traffic in both directions proves a viewer. The
    // direction that went blind counts from the unread byte, the other from what it has carried so far.
    RfbCounters counters = inspector.counters();
    clientMark = direction == Direction.CLIENT_TO_SERVER ? offset : counters.bytesFromClient();
    serverMark = direction == Direction.SERVER_TO_CLIENT ? offset : counters.bytesFromServer();
    log.debug("connection blind before its handshake ended id={} reason={} direction={} offset={}",
        description.id(), blindReason, direction, offset);
  }

  // ---------------------------------------------------------------- establishment

  private void establishIfBothDirectionsMoved() {
    RfbCounters counters = inspector.counters();
    if (counters.bytesFromClient() > clientMark && counters.bytesFromServer() > serverMark) {
      establish();
    }
  }

  private void establish() {
    Map<String, String> attributes = ViewerAttributes.opening(description);
    putIfKnown(attributes, ViewerAttributes.PROTOCOL_VERSION, version);
    putIfKnown(attributes, ViewerAttributes.SECURITY_TYPE, security);
    putIfKnown(attributes, ViewerAttributes.DESKTOP_SIZE, desktopSize);
    String sessionId = description.route().sessionId();
    // The route's own limits; the tracker applies the stricter of them and the flags (docs/architecture.md#policies).
    ViewerPolicy policy = description.route().policy().toViewerPolicy();
    if (blindReason == null) {
      viewer = tracker.viewerOpened(sessionId, description.id(), attributes, true, policy);
    } else {
      viewer = tracker.viewerOpenedBlind(sessionId, description.id(), attributes, blindReason, policy);
      metrics.blindViewerOpened(blindReason);
    }
    timer.stop();
    relay.established(new HandshakeFacts(version, security, blindReason));
  }

  private static void putIfKnown(Map<String, String> attributes, String key, String value) {
    if (value != null) {
      attributes.put(key, value);
    }
  }
}
