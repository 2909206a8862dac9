package org.rfbactivity.proxy.relay;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a refused connection is logged. Refusals come from anonymous clients at whatever rate they like (a
 * connection flood at the limit, a port scan, a load balancer's health check), so each reason may log at most
 * {@link #LINES_PER_WINDOW} lines per {@link #WINDOW}; the first line of the next window says how many were left out.
 * The metric {@code vnc_proxy_connections_refused_total} counts every one of them.
 */
public final class RefusalLog {

  private static final Logger log = LoggerFactory.getLogger("org.rfbactivity.proxy.viewer");

  /** Enough lines to see what is going on; a flood adds one summary line per minute and reason. */
  static final int LINES_PER_WINDOW = 10;
  static final Duration WINDOW = Duration.ofMinutes(1);

  private final LongSupplier nanoTime;
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  /** @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime}) */
  public RefusalLog(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * Logs one refusal unless its reason has used up this window's lines.
   *
   * @param reason the refusal reason's label (a small fixed set, like the metric's tag)
   * @param id the connection's id, or null when it has none yet
   * @param frontend tcp or ws
   * @param remote the client's address
   * @param detail more about it (never payload or credentials), or null
   */
  public void refused(String reason, String id, String frontend, String remote, String detail) {
    long suppressedBefore = windows.computeIfAbsent(reason, r -> new Window()).admit(nanoTime.getAsLong());
    if (suppressedBefore < 0) {
      return;
    }
    String more = detail == null ? "" : " detail=\"" + detail + "\"";
    if (suppressedBefore > 0) {
      log.info("viewer refused id={} frontend={} remote={} reason={}{} ({} more refusals for this reason were not "
          + "logged in the window before)", id == null ? "none" : id, frontend, remote, reason, more,
          suppressedBefore);
    } else {
      log.info("viewer refused id={} frontend={} remote={} reason={}{}", id == null ? "none" : id, frontend, remote,
          reason, more);
    }
  }

  /** One reason's current window. */
  private static final class Window {
    private long startNanos;
    private boolean started;
    private int logged;
    private long suppressed;

    /** @return -1 to suppress this line, else how many lines the previous window suppressed (0 if none) */
    synchronized long admit(long now) {
      long carried = 0;
      if (!started || now - startNanos >= WINDOW.toNanos()) {
        carried = suppressed;
        started = true;
        startNanos = now;
        logged = 0;
        suppressed = 0;
      }
      if (logged < LINES_PER_WINDOW) {
        logged++;
        return carried;
      }
      suppressed++;
      return -1;
    }
  }
}
