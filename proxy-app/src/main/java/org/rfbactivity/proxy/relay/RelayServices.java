package org.rfbactivity.proxy.relay;

import java.util.Objects;
import org.rfbactivity.proxy.config.SpliceMode;
import org.rfbactivity.proxy.route.RouteLookup;

/**
 * What every viewer connection shares: route lookup, the backend connector, metrics and the viewer log, the registry
 * of open viewers, the observer factory (inspector + activity tracking) and the connection limits. One instance per
 * proxy, built by the composition root.
 */
public final class RelayServices {

  private final RouteLookup routeLookup;
  private final BackendConnector connector;
  private final RelayMetrics metrics;
  private final ViewerLog log;
  private final ViewerRegistry registry;
  private final ViewerObservers observers;
  private final ConnectionLimits limits;
  private final TokenExpiry tokenExpiry;
  private final InputPermissionSource permissions;
  private final SpliceMode splice;

  public RelayServices(RouteLookup routeLookup, BackendConnector connector, RelayMetrics metrics,
      ViewerRegistry registry, ViewerObservers observers, RefusalLog refusalLog, ConnectionLimits limits,
      TokenExpiry tokenExpiry, InputPermissionSource permissions, SpliceMode splice) {
    this.routeLookup = Objects.requireNonNull(routeLookup, "routeLookup");
    this.connector = Objects.requireNonNull(connector, "connector");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.log = new ViewerLog(metrics, Objects.requireNonNull(refusalLog, "refusalLog"));
    this.registry = Objects.requireNonNull(registry, "registry");
    this.observers = Objects.requireNonNull(observers, "observers");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.tokenExpiry = Objects.requireNonNull(tokenExpiry, "tokenExpiry");
    this.permissions = Objects.requireNonNull(permissions, "permissions");
    this.splice = Objects.requireNonNull(splice, "splice");
  }

  /** Whether and when a viewer is closed at its token's expiry. */
  TokenExpiry tokenExpiry() {
    return tokenExpiry;
  }

  /**
   * Which raw TCP viewers' server-to-client bytes are spliced: {@code --splice} on the epoll transport, {@code off} on
   * the others ({@link ServerSplice} decides per viewer).
   */
  SpliceMode splice() {
    return splice;
  }

  /** Decides each viewer's input permissions when its backend pipeline is built. */
  InputPermissionSource permissions() {
    return permissions;
  }

  /** The connection limits the frontends admit by; told of authentication outcomes per source. */
  ConnectionLimits limits() {
    return limits;
  }

  public RouteLookup routeLookup() {
    return routeLookup;
  }

  BackendConnector connector() {
    return connector;
  }

  RelayMetrics metrics() {
    return metrics;
  }

  ViewerLog log() {
    return log;
  }

  ViewerRegistry registry() {
    return registry;
  }

  ViewerObservers observers() {
    return observers;
  }

  /** The TCP keep-alive of every viewer and VNC server connection. */
  public TcpKeepAlive keepAlive() {
    return connector.keepAlive();
  }
}
