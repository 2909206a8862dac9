package org.rfbactivity.proxy.relay;

import java.util.concurrent.TimeUnit;
import org.rfbactivity.proxy.route.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's log lines and counters: {@code viewer open} and {@code viewer close} for one that became a viewer,
 * one refusal (limited by the {@link RefusalLog}) for one that never did. Lines carry ids, addresses, the route,
 * handshake facts, byte counts and reasons, never payload or credentials. One per proxy.
 */
public final class ViewerLog {

  private static final Logger log = LoggerFactory.getLogger("org.rfbactivity.proxy.viewer");

  private final RelayMetrics metrics;
  private final RefusalLog refusals;

  ViewerLog(RelayMetrics metrics, RefusalLog refusals) {
    this.metrics = metrics;
    this.refusals = refusals;
  }

  /** The connection has become a viewer. */
  void opened(ViewerDescription viewer, HandshakeFacts facts) {
    Route route = viewer.route();
    metrics.viewerOpened(viewer.frontend().label());
    log.info("viewer open id={} session={} route={} frontend={} remote={} target={} version={} security={}"
            + " inspectable={}", viewer.id(), route.sessionId(), route.kind(), viewer.frontend().label(),
        viewer.remoteAddress(), route.target(), orNone(facts.protocolVersion()), orNone(facts.securityType()),
        facts.blindReason() == null ? "true" : "false blindReason=" + facts.blindReason());
  }

  /**
   * A viewer closed, {@code acceptedNanos} ({@link System#nanoTime()}) after it was accepted; {@code spliced} whether
   * its server-to-client bytes moved by splice at the end ({@link ServerSplice}).
   */
  void closed(ViewerDescription viewer, HandshakeFacts facts, CloseReason reason, String detail, long bytesFromClient,
      long bytesFromServer, boolean spliced, long acceptedNanos) {
    Route route = viewer.route();
    String why = detail == null ? reason.label() : reason.label() + " detail=\"" + detail + "\"";
    metrics.viewerClosed(reason.label());
    log.info("viewer close id={} session={} route={} frontend={} remote={} version={} security={} inspectable={} "
            + "bytesFromClient={} bytesFromServer={} spliced={} duration={}ms reason={}",
        viewer.id(), route.sessionId(), route.kind(), viewer.frontend().label(), viewer.remoteAddress(),
        orNone(facts.protocolVersion()), orNone(facts.securityType()), facts.blindReason() == null, bytesFromClient,
        bytesFromServer, spliced, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedNanos), why);
  }

  /**
   * A connection ended without becoming a viewer.
   *
   * @param reason a {@link RefusalReason} or {@link CloseReason} label
   * @param id the connection's id, or null when it has none yet
   * @param detail more about it (never payload or credentials), or null
   */
  void refused(String reason, String id, FrontendKind frontend, String remote, String detail) {
    metrics.refused(reason);
    refusals.refused(reason, id, frontend.label(), remote, detail);
  }

  /** An exception as {@code Class: message} for a log line (exception messages here never carry payload). */
  public static String describe(Throwable cause) {
    if (cause == null) {
      return "unknown";
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String orNone(String value) {
    return value == null ? "none" : value;
  }
}
