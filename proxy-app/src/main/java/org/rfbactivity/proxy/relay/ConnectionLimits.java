package org.rfbactivity.proxy.relay;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * How many viewer connections may be open: in all (TCP and WebSocket share one budget), and per source. Every viewer
 * reaches the VNC server from the proxy's own address, so the server cannot tell one client from another: its own
 * per-address protection (TigerVNC's blacklist) would lock everyone out at once, and nothing stops one client from
 * taking every connection. The per-source limits are that protection, applied to the real client address:
 * connections open at once, and new connections per second (a token bucket holding {@link #BURST_SECONDS} seconds of
 * the rate, so a page reload or a reconnecting viewer is never refused).
 *
 * <p>With them goes what the server's blacklist was for, guessing passwords: a source whose authentication the
 * server refused {@link #FAILURES_BEFORE_BLOCK} times without a success in between is refused for
 * {@link #FIRST_BLOCK}, doubled with every further failure up to {@link #LONGEST_BLOCK} (TigerVNC's default
 * BlacklistThreshold and BlacklistTimeout, and its doubling). A success forgets the failures. Connections that simply
 * end before authenticating (health checks, scans) are not failures: they would lock out a load balancer.
 *
 * <p>A source is an IPv4 address, or an IPv6 /64 prefix: one IPv6 host usually holds a whole /64, so counting single
 * IPv6 addresses would limit nothing. A limit of 0 is no limit (for a proxy behind a load balancer that does not pass
 * the client address, where every viewer has the balancer's).
 *
 * <p>Thread-safe: the frontends' event loops admit and release concurrently.
 */
public final class ConnectionLimits {

  /** Seconds of the per-source rate a source may use at once. */
  static final int BURST_SECONDS = 2;
  /**
   * Sources are forgotten once they hold no connection and their bucket is full again; the table is swept for them
   * every this many admissions, so it holds about the sources of the last few seconds plus those with open connections.
   */
  static final int SWEEP_EVERY = 1024;
  /** Failed authentications before a source is refused for a while. */
  static final int FAILURES_BEFORE_BLOCK = 5;
  static final Duration FIRST_BLOCK = Duration.ofSeconds(10);
  static final Duration LONGEST_BLOCK = Duration.ofHours(1);

  /** The outcome of {@link #admit}. */
  public enum Admission {
    ADMITTED(null),
    /** More than the total limit are open. */
    LIMIT(RefusalReason.LIMIT),
    /** More than the per-source limit are open from this source. */
    SOURCE_LIMIT(RefusalReason.SOURCE_LIMIT),
    /** This source opens connections faster than the per-source rate. */
    SOURCE_RATE(RefusalReason.SOURCE_RATE),
    /** This source failed authentication too often and is refused for a while. */
    SOURCE_BLOCKED(RefusalReason.SOURCE_BLOCKED);

    private final RefusalReason refusal;

    Admission(RefusalReason refusal) {
      this.refusal = refusal;
    }

    /** The refusal reason, or null for {@link #ADMITTED}. */
    public RefusalReason refusal() {
      return refusal;
    }
  }

  private final int maxTotal;
  private final int maxPerSource;
  private final int ratePerSource;
  private final LongSupplier nanoTime;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger admissions = new AtomicInteger();
  private final Map<SourceKey, Source> sources = new ConcurrentHashMap<>();

  /**
   * @param maxTotal connections open at once, at least 1
   * @param maxPerSource connections open at once per source, 0 for no limit
   * @param ratePerSource new connections per second per source, 0 for no limit
   * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  public ConnectionLimits(int maxTotal, int maxPerSource, int ratePerSource, LongSupplier nanoTime) {
    if (maxTotal < 1 || maxPerSource < 0 || ratePerSource < 0) {
      throw new IllegalArgumentException("limits must be positive (per source: 0 for none): " + maxTotal + ", "
          + maxPerSource + ", " + ratePerSource);
    }
    this.maxTotal = maxTotal;
    this.maxPerSource = maxPerSource;
    this.ratePerSource = ratePerSource;
    this.nanoTime = nanoTime;
  }

  /**
   * Admits one new connection from {@code address} (null when unknown: only the total limit applies). An admitted
   * connection must be {@link #release released} exactly once, with the same address.
   */
  public Admission admit(InetAddress address) {
    if (open.incrementAndGet() > maxTotal) {
      open.decrementAndGet();
      return Admission.LIMIT;
    }
    if (address == null || !perSource()) {
      return Admission.ADMITTED;
    }
    long now = nanoTime.getAsLong();
    if ((admissions.incrementAndGet() & (SWEEP_EVERY - 1)) == 0) {
      sweep(now);
    }
    SourceKey key = SourceKey.of(address);
    Admission admission;
    do {
      admission = sources.computeIfAbsent(key, k -> new Source(now, bucketSize())).admit(now, this);
    } while (admission == null); // the sweep retired that source meanwhile: a fresh one replaces it
    if (admission != Admission.ADMITTED) {
      open.decrementAndGet();
    }
    return admission;
  }

  /** The VNC server refused the authentication of a connection from {@code address}. */
  public void authenticationFailed(InetAddress address) {
    if (address != null && perSource()) {
      long now = nanoTime.getAsLong();
      while (!sources.computeIfAbsent(SourceKey.of(address), k -> new Source(now, bucketSize())).failed(now)) {
        // retired by the sweep meanwhile: record it on a fresh one
      }
    }
  }

  /** A connection from {@code address} became a viewer: its source's failures are forgotten. */
  public void authenticated(InetAddress address) {
    if (address != null && perSource()) {
      Source source = sources.get(SourceKey.of(address));
      if (source != null) {
        source.succeeded();
      }
    }
  }

  /** A connection admitted from {@code address} has closed. */
  public void release(InetAddress address) {
    open.decrementAndGet();
    if (address == null || !perSource()) {
      return;
    }
    Source source = sources.get(SourceKey.of(address));
    if (source != null) {
      source.release();
    }
  }

  /** Connections open now (admitted, not yet released). */
  public int open() {
    return open.get();
  }

  /** Sources the table holds now (for tests of its bound). */
  int trackedSources() {
    return sources.size();
  }

  private boolean perSource() {
    return maxPerSource > 0 || ratePerSource > 0;
  }

  private double bucketSize() {
    return (double) ratePerSource * BURST_SECONDS;
  }

  private void sweep(long now) {
    for (Iterator<Map.Entry<SourceKey, Source>> it = sources.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<SourceKey, Source> e = it.next();
      if (e.getValue().retireIfIdle(now, this)) {
        // Retired under its lock, so an admission racing with the sweep sees that and starts a fresh source, which
        // has the full bucket the retired one had anyway.
        sources.remove(e.getKey(), e.getValue());
      }
    }
  }

  /** One source's open connections, token bucket and failures; guarded by its own monitor. */
  private static final class Source {
    private int open;
    private double tokens;
    private long refilledNanos;
    private int failures;
    private long lastFailureNanos;
    private long blockedUntilNanos;
    private boolean blocked;
    private long nextBlockNanos = FIRST_BLOCK.toNanos();
    /** Removed from the table by the sweep: the caller must use a fresh source instead. */
    private boolean retired;

    Source(long now, double tokens) {
      this.refilledNanos = now;
      this.tokens = tokens;
    }

    /** @return the admission, or null when this source was retired (the caller retries on a fresh one) */
    synchronized Admission admit(long now, ConnectionLimits limits) {
      if (retired) {
        return null;
      }
      if (blocked && now - blockedUntilNanos < 0) {
        return Admission.SOURCE_BLOCKED;
      }
      if (limits.maxPerSource > 0 && open >= limits.maxPerSource) {
        return Admission.SOURCE_LIMIT;
      }
      if (limits.ratePerSource > 0) {
        refill(now, limits);
        if (tokens < 1) {
          return Admission.SOURCE_RATE;
        }
        tokens -= 1;
      }
      open++;
      return Admission.ADMITTED;
    }

    synchronized void release() {
      if (open > 0) {
        open--;
      }
    }

    /** @return false when this source was retired (the caller records it on a fresh one) */
    synchronized boolean failed(long now) {
      if (retired) {
        return false;
      }
      failures++;
      lastFailureNanos = now;
      if (failures >= FAILURES_BEFORE_BLOCK) {
        blocked = true;
        blockedUntilNanos = now + nextBlockNanos;
        nextBlockNanos = Math.min(nextBlockNanos * 2, LONGEST_BLOCK.toNanos());
        failures = FAILURES_BEFORE_BLOCK - 1; // the next failure after the block blocks again, for longer
      }
      return true;
    }

    synchronized void succeeded() {
      failures = 0;
      blocked = false;
      nextBlockNanos = FIRST_BLOCK.toNanos();
    }

    /**
     * Retires this source when it has nothing to remember: no connection, a full bucket, and no failure within the
     * longest block.
     */
    synchronized boolean retireIfIdle(long now, ConnectionLimits limits) {
      if (open > 0 || (failures > 0 && now - lastFailureNanos < LONGEST_BLOCK.toNanos())) {
        return false;
      }
      if (limits.ratePerSource > 0) {
        refill(now, limits);
        if (tokens < limits.bucketSize()) {
          return false;
        }
      }
      retired = true;
      return true;
    }

    private void refill(long now, ConnectionLimits limits) {
      long elapsed = now - refilledNanos;
      if (elapsed > 0) {
        tokens = Math.min(limits.bucketSize(), tokens + elapsed * limits.ratePerSource / 1e9);
        refilledNanos = now;
      }
    }
  }

  /** An IPv4 address, or the /64 prefix of an IPv6 address (IPv4-mapped IPv6 addresses are their IPv4 address). */
  record SourceKey(boolean v6, long bits) {

    static SourceKey of(InetAddress address) {
      byte[] b = address.getAddress();
      if (address instanceof Inet4Address) {
        return new SourceKey(false, ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8)
            | (b[3] & 0xFF));
      }
      if (address instanceof Inet6Address) {
        long prefix = 0;
        for (int i = 0; i < 8; i++) {
          prefix = (prefix << 8) | (b[i] & 0xFF);
        }
        return new SourceKey(true, prefix);
      }
      throw new IllegalArgumentException("not an IP address: " + address.getClass().getName());
    }
  }
}
