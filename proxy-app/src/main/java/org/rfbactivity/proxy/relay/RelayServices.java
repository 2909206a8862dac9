package org.rfbactivity.proxy.relay;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import org.rfbactivity.proxy.metrics.ProxyMetrics;
import org.rfbactivity.proxy.route.RouteLookup;

/**
 * What every viewer connection shares: route lookup, metrics, the registry of open viewers, the observer
 * factory (inspector + activity tracking), the handshake timeout, the refusal log and the connection limits. One
 * instance per proxy, built by the composition root.
 */
public final class RelayServices {

  private final RouteLookup routeLookup;
  private final ProxyMetrics metrics;
  private final ViewerRegistry registry;
  private final Function<ViewerConnection, ViewerObserver> observers;
  private final Duration handshakeTimeout;
  private final RefusalLog refusalLog;
  private final ConnectionLimits limits;

  public RelayServices(RouteLookup routeLookup, ProxyMetrics metrics, ViewerRegistry registry,
      Function<ViewerConnection, ViewerObserver> observers, Duration handshakeTimeout, RefusalLog refusalLog,
      ConnectionLimits limits) {
    this.routeLookup = Objects.requireNonNull(routeLookup, "routeLookup");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.observers = Objects.requireNonNull(observers, "observers");
    this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    this.refusalLog = Objects.requireNonNull(refusalLog, "refusalLog");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The connection limits the frontends admit by; told of authentication outcomes per source. */
  public ConnectionLimits limits() {
    return limits;
  }

  public RefusalLog refusalLog() {
    return refusalLog;
  }

  public RouteLookup routeLookup() {
    return routeLookup;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  public ViewerRegistry registry() {
    return registry;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  ViewerObserver observe(ViewerConnection viewer) {
    return observers.apply(viewer);
  }
}
