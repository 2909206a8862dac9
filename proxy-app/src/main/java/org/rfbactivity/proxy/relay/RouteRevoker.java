package org.rfbactivity.proxy.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.proxy.route.Route;
import org.rfbactivity.proxy.route.RouteRefusedException;
import org.rfbactivity.proxy.route.RouteResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the live viewers whose route the routing source has withdrawn: every {@code period}, on one owned thread, it
 * asks the resolver ({@link RouteResolver#withdrawn}) about the routes of all routed viewers and closes those withdrawn
 * with {@code reason} ({@link ViewerConnection#closeFor}, on each viewer's own event loop). Passes never overlap (fixed
 * delay). A source that cannot answer withdraws nothing; that is logged once until it answers again.
 */
public final class RouteRevoker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RouteRevoker.class);

  private final RouteResolver resolver;
  private final ViewerRegistry registry;
  private final Duration period;
  private final CloseReason reason;
  private final String detail;
  private final ThreadFactory threadFactory;
  private ScheduledThreadPoolExecutor executor;
  /** Touched by the one pass thread only. */
  private boolean failing;

  /**
   * @param reason {@link CloseReason#TOKEN_REVOKED} or {@link CloseReason#ROUTE_REMOVED}
   * @param detail added to each close's log line: which setting's source withdrew it, never the token
   */
  public RouteRevoker(RouteResolver resolver, ViewerRegistry registry, Duration period, CloseReason reason,
      String detail, ThreadFactory threadFactory) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.period = Objects.requireNonNull(period, "period");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.detail = detail;
    this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period must be > 0: " + period);
    }
  }

  public synchronized void start() {
    if (executor != null) {
      throw new IllegalStateException("start() called twice");
    }
    executor = new ScheduledThreadPoolExecutor(1, threadFactory);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.scheduleWithFixedDelay(this::pass, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** One check of every routed viewer; never throws (a thrown task would end the schedule). */
  void pass() {
    try {
      List<ViewerConnection> viewers = registry.routed();
      if (viewers.isEmpty()) {
        return;
      }
      List<Route> routes = new ArrayList<>(viewers.size());
      for (ViewerConnection viewer : viewers) {
        routes.add(viewer.description().route());
      }
      BitSet gone = resolver.withdrawn(routes);
      if (failing) {
        failing = false;
        log.info("route revocation check works again");
      }
      if (!gone.isEmpty()) {
        log.info("route revocation: closing {} of {} viewers ({})", gone.cardinality(), viewers.size(),
            reason.label());
      }
      for (int i = gone.nextSetBit(0); i >= 0; i = gone.nextSetBit(i + 1)) {
        viewers.get(i).closeFor(reason, detail);
      }
    } catch (RouteRefusedException | RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn("route revocation check failed ({}); no viewer is closed for it until it works again",
            e instanceof RouteRefusedException ? e.getMessage() : e.getClass().getSimpleName());
      }
    }
  }

  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
