package org.rfbactivity.proxy.backend;

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
import org.rfbactivity.rfb.RfbInspector;
import org.rfbactivity.rfb.RfbInspectorConfig;
import org.rfbactivity.rfb.RfbListener;
import org.rfbactivity.rfb.ServerInit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only class that knows both the RFB codec and the activity tracker (DESIGN.md §2). One per viewer: it owns
 * the viewer's {@link RfbInspector} (placed first on the backend channel) and turns what the inspector reports
 * into tracker intake: the relay's start and end into {@code viewerOpened}/{@code viewerClosed}, each classified
 * input into {@code input} (mapped by constant name, no allocation), the handshake facts (protocol version,
 * security type) into viewer attributes, and a blind stream into {@code inspectionLost}.
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

  private final ActivityTracker tracker;
  private final ViewerConnection connection;
  private final ProxyMetrics metrics;
  private final RfbInspector inspector;
  private Viewer viewer;
  private String blindReason;
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
  public void relayStarted() {
    viewer = tracker.viewerOpened(connection.route().sessionId(), connection.id(), openingAttributes(connection), true);
  }

  @Override
  public void relayClosed() {
    closed = true;
    tracker.viewerClosed(viewer);
    if (blindReason != null) {
      metrics.blindViewerClosed(blindReason);
    }
  }

  // ---------------------------------------------------------------- RfbListener (the codec)

  @Override
  public void handshakeCompleted(HandshakeCompleted event) {
    if (closed) {
      return;
    }
    String version = event.version().toString();
    String security = event.securityType().toString();
    tracker.viewerAttribute(viewer, PROTOCOL_VERSION, version);
    tracker.viewerAttribute(viewer, SECURITY_TYPE, security);
    connection.handshakeCompleted(version, security, event.inspectable());
  }

  @Override
  public void serverInit(ServerInit event) {
    if (closed) {
      return;
    }
    tracker.viewerAttribute(viewer, DESKTOP_SIZE, event.width() + "x" + event.height());
  }

  @Override
  public void input(InputKind kind) {
    // No closed check needed: inputs come from client bytes, and none are written after the relay closed.
    tracker.input(viewer, KINDS[kind.ordinal()]);
  }

  @Override
  public void inspectionLost(Direction direction, BlindReason reason, long offset) {
    if (closed) {
      return;
    }
    blindReason = reason.name();
    tracker.inspectionLost(viewer, blindReason);
    metrics.blindViewerOpened(blindReason);
    log.info("viewer blind id={} session={} reason={} direction={} offset={}", connection.id(),
        connection.route().sessionId(), blindReason, direction, offset);
    if (!connection.isHandshakeDone()) {
      // Blind before the handshake ended (e.g. an unknown ProtocolVersion): the stream flows, the proxy just cannot
      // read it, so the handshake timer no longer applies.
      connection.handshakeCompleted(null, null, false);
    }
  }
}
