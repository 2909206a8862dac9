package org.rfbactivity.proxy.relay;

import io.netty.channel.ChannelHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.Viewer;
import org.rfbactivity.proxy.metrics.ProxyMetrics;
import org.rfbactivity.proxy.route.Route;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only class that knows both the RFB codec and the activity tracker (DESIGN.md §2). One per connection: it owns
 * the connection's {@link RfbInspector} (placed first on the backend channel) and decides when the connection has
 * become a viewer, and only then tells the tracker about it.
 *
 * <p><b>Established.</b> A connection counts as a viewer, for activity and for the API's viewer list, only once its
 * RFB handshake reached the client-message phase. One whose stream went blind on the way (an encrypting security
 * type, an unknown protocol) is established once both directions have carried bytes after the point where it went
 * blind: a client that picks TLS and then stays silent, a health check that reads the banner and hangs up, a port
 * scan, never is. Until then nothing reaches the tracker, and the connection's handshake timer keeps running.
 *
 * <p>After that: each classified input goes to {@code input} (mapped by constant name, no allocation), the handshake
 * facts become viewer attributes, a stream that goes blind becomes {@code inspectionLost}, and every read of a blind
 * viewer's client bytes is one {@link org.rfbactivity.activity.InputKind#BLIND_TRAFFIC}, which counts as the blind
 * policy says (so a silent blind viewer turns idle).
 *
 * <p>All callbacks arrive on the viewer's event loop; the tracker calls made here never block.
 */
public final class RfbActivityBridge implements RfbListener, ViewerObserver {

  private static final Logger log = LoggerFactory.getLogger("org.rfbactivity.proxy.viewer");

  /** Codec kind (by ordinal) → tracker kind of the same name; the two enums are kept in step by contract. */
  private static final org.rfbactivity.activity.InputKind[] KINDS = mapKinds();

  /** Attribute keys shown per viewer by {@code /api/sessions}. */
  public static final String REMOTE_ADDRESS = "remoteAddress";
  public static final String FRONTEND = "frontend";
  public static final String ROUTE = "route";
  public static final String PROTOCOL_VERSION = "protocolVersion";
  public static final String SECURITY_TYPE = "securityType";
  public static final String DESKTOP_SIZE = "desktopSize";

  /** No mark yet: the stream has not gone blind before it was established. */
  private static final long NO_MARK = -1;

  private final ActivityTracker tracker;
  private final ViewerConnection connection;
  private final ProxyMetrics metrics;
  private final RfbInspector inspector;
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

  public RfbActivityBridge(ActivityTracker tracker, ViewerConnection connection, ProxyMetrics metrics) {
    this.tracker = tracker;
    this.connection = connection;
    this.metrics = metrics;
    this.inspector = new RfbInspector(RfbInspectorConfig.defaults(), this);
  }

  private static org.rfbactivity.activity.InputKind[] mapKinds() {
    InputKind[] codec = InputKind.values();
    org.rfbactivity.activity.InputKind[] map = new org.rfbactivity.activity.InputKind[codec.length];
    for (InputKind kind : codec) {
      map[kind.ordinal()] = org.rfbactivity.activity.InputKind.valueOf(kind.name());
    }
    return map;
  }

  /** The attributes every viewer starts with: where it came from and how it was routed. */
  static Map<String, String> openingAttributes(ViewerConnection connection) {
    Route route = connection.route();
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(REMOTE_ADDRESS, connection.remoteAddress());
    attributes.put(FRONTEND, connection.kind().label());
    attributes.put(ROUTE, route.kind());
    return attributes;
  }

  // ---------------------------------------------------------------- ViewerObserver (the relay)

  @Override
  public ChannelHandler backendInspector() {
    return inspector;
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
  public void relayClosed() {
    closed = true;
    if (viewer != null) {
      tracker.viewerClosed(viewer);
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
      tracker.viewerAttribute(viewer, DESKTOP_SIZE, desktopSize);
    }
  }

  @Override
  public void securityFailed(SecurityFailure failure) {
    if (!closed && viewer == null) {
      // Code 0: refused before any authentication (no security type offered, a refused VeNCrypt version), as a
      // server that blacklists the proxy answers everyone. Never the reason text: it may name the user.
      connection.securityRefused(failure.code() != 0);
    }
  }

  @Override
  public void input(InputKind kind) {
    // No closed check needed: inputs come from client bytes, and none are written after the relay closed; and none
    // before establishment, which the client-message phase is.
    tracker.input(viewer, KINDS[kind.ordinal()]);
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
      log.info("viewer blind id={} session={} reason={} direction={} offset={}", connection.id(),
          connection.route().sessionId(), blindReason, direction, offset);
      return;
    }
    // Blind before the client-message phase: from here on only traffic in both directions proves a viewer. The
    // direction that went blind counts from the unread byte, the other from what it has carried so far.
    RfbCounters counters = inspector.counters();
    clientMark = direction == Direction.CLIENT_TO_SERVER ? offset : counters.bytesFromClient();
    serverMark = direction == Direction.SERVER_TO_CLIENT ? offset : counters.bytesFromServer();
    log.debug("connection blind before its handshake ended id={} reason={} direction={} offset={}", connection.id(),
        blindReason, direction, offset);
  }

  // ---------------------------------------------------------------- establishment

  private void establishIfBothDirectionsMoved() {
    RfbCounters counters = inspector.counters();
    if (counters.bytesFromClient() > clientMark && counters.bytesFromServer() > serverMark) {
      establish();
    }
  }

  private void establish() {
    Map<String, String> attributes = openingAttributes(connection);
    putIfKnown(attributes, PROTOCOL_VERSION, version);
    putIfKnown(attributes, SECURITY_TYPE, security);
    putIfKnown(attributes, DESKTOP_SIZE, desktopSize);
    String sessionId = connection.route().sessionId();
    if (blindReason == null) {
      viewer = tracker.viewerOpened(sessionId, connection.id(), attributes, true);
    } else {
      viewer = tracker.viewerOpenedBlind(sessionId, connection.id(), attributes, blindReason);
      metrics.blindViewerOpened(blindReason);
    }
    connection.established(version, security, blindReason);
  }

  private static void putIfKnown(Map<String, String> attributes, String key, String value) {
    if (value != null) {
      attributes.put(key, value);
    }
  }
}
