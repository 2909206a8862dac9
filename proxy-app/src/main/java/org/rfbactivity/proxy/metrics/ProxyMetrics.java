package org.rfbactivity.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.rfbactivity.proxy.relay.RelayMetrics;
import org.rfbactivity.rfb.InputClass;

/**
 * The relay's own meters (the tracker's are bound separately). Names follow Prometheus conventions once
 * Micrometer renders them: {@code vnc_proxy_viewers_open}, {@code vnc_proxy_relayed_bytes_total{direction}} …
 * Hot-path updates are a {@link LongAdder} add; tag values come from small fixed sets (frontend kind,
 * refusal reason, close reason), never from ids or addresses, so cardinality stays bounded.
 */
public final class ProxyMetrics implements RelayMetrics {

  private final MeterRegistry registry;
  private final AtomicInteger openViewers = new AtomicInteger();
  private final LongAdder bytesFromClient = new LongAdder();
  private final LongAdder bytesFromServer = new LongAdder();
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> blind = new ConcurrentHashMap<>();
  private final Timer eventLoopLag;
  private final Counter spliced;
  /** By {@link InputClass#ordinal()}: registered up front, so the hot path looks nothing up. */
  private final Counter[] inputDropped = new Counter[InputClass.values().length];

  public ProxyMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("vnc.proxy.viewers.open", openViewers, AtomicInteger::get)
        .description("Viewer connections currently relayed (TCP and WebSocket)")
        .register(registry);
    FunctionCounter.builder("vnc.proxy.relayed", bytesFromClient, LongAdder::sum)
        .tag("direction", "client_to_server")
        .baseUnit("bytes")
        .description("Bytes relayed (WebSocket payload, not frame headers)")
        .register(registry);
    FunctionCounter.builder("vnc.proxy.relayed", bytesFromServer, LongAdder::sum)
        .tag("direction", "server_to_client")
        .baseUnit("bytes")
        .description("Bytes relayed (WebSocket payload, not frame headers)")
        .register(registry);
    spliced = Counter.builder("vnc.proxy.viewers.spliced")
        .description("Raw TCP viewers whose server-to-client bytes moved by splice(2) after ServerInit")
        .register(registry);
    eventLoopLag = Timer.builder("vnc.proxy.event.loop.lag")
        .description("How late a task scheduled on a viewer event loop ran: what any viewer's bytes waited behind "
            + "other work (EventLoopLagProbe)")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry);
    for (InputClass c : InputClass.values()) {
      inputDropped[c.ordinal()] = Counter.builder("vnc.proxy.input.dropped")
          .description("Client messages removed because the viewer lacks their input permission, by class")
          .tag("class", c.label())
          .register(registry);
    }
  }

  /** One event-loop probe's lateness. */
  public void eventLoopLag(long nanos) {
    eventLoopLag.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Registers every tag value known in advance at zero, so that each series exists before its first event:
   * Prometheus's {@code increase()} and {@code rate()} cannot see the first increment of a series that appears with
   * it, and a dashboard can tell "none" from "not reported".
   */
  public void declare() {
    for (String frontend : MetricTags.frontends()) {
      counter("vnc.proxy.viewers.opened", "Viewers whose relay started", "frontend", frontend);
    }
    for (String reason : MetricTags.closeReasons()) {
      counter("vnc.proxy.viewers.closed", "Viewers closed, by reason", "reason", reason);
    }
    for (String reason : MetricTags.refusalReasons()) {
      refusedCounter(reason);
    }
    for (String reason : MetricTags.blindReasons()) {
      blindGauge(reason);
    }
  }

  /** A viewer's relay started (route found, VNC server connected). {@code frontend} is tcp or ws. */
  @Override
  public void viewerOpened(String frontend) {
    openViewers.incrementAndGet();
    counter("vnc.proxy.viewers.opened", "Viewers whose relay started", "frontend", frontend).increment();
  }

  /** A viewer that was opened has closed; {@code reason} is a fixed word such as client_closed or timeout. */
  @Override
  public void viewerClosed(String reason) {
    openViewers.decrementAndGet();
    counter("vnc.proxy.viewers.closed", "Viewers closed, by reason", "reason", reason).increment();
  }

  /** A connection refused before its relay started (limit, origin, route, backend, bad_request, timeout …). */
  @Override
  public void refused(String reason) {
    refusedCounter(reason).increment();
  }

  private Counter refusedCounter(String reason) {
    return counter("vnc.proxy.connections.refused", "Connections refused before relaying, by reason", "reason", reason);
  }

  /** An open viewer's stream became uninspectable; {@code reason} is a codec BlindReason name (a fixed set). */
  @Override
  public void blindViewerOpened(String reason) {
    blindGauge(reason).incrementAndGet();
  }

  /** A viewer counted by {@link #blindViewerOpened} closed. */
  @Override
  public void blindViewerClosed(String reason) {
    blindGauge(reason).decrementAndGet();
  }

  private AtomicInteger blindGauge(String reason) {
    return blind.computeIfAbsent(reason, r -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("vnc.proxy.viewers.blind", value, AtomicInteger::get)
          .description("Open viewers whose RFB stream cannot be inspected, by reason")
          .tag("reason", r.toLowerCase(Locale.ROOT))
          .register(registry);
      return value;
    });
  }

  /**
   * Registers {@code vnc_proxy_route_table_stale}: 1 while the routing source serves its last good table because it
   * cannot read the current one, else 0. The proxy stays ready then, so this is what an alert watches.
   */
  public void routeTableStale(BooleanSupplier stale) {
    Gauge.builder("vnc.proxy.route.table.stale", stale, s -> s.getAsBoolean() ? 1 : 0)
        .description("1 while the routing source serves its last good table because it cannot read the current one")
        .strongReference(true) // the supplier is referenced by nothing else
        .register(registry);
  }

  /**
   * Registers {@code vnc_proxy_transport_info{transport}}: 1, tagged with the network transport the proxy chose at
   * start ({@code io_uring}, {@code epoll} or {@code nio}), so a dashboard shows which one {@code --transport auto} took.
   */
  public void transport(String label) {
    Gauge.builder("vnc.proxy.transport.info", () -> 1)
        .description("The network transport in use (1, tagged with its name)")
        .tag("transport", label)
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void bytesFromClient(int n) {
    bytesFromClient.add(n);
  }

  @Override
  public void inputDropped(InputClass inputClass) {
    inputDropped[inputClass.ordinal()].increment();
  }

  @Override
  public void bytesFromServer(int n) {
    bytesFromServer.add(n);
  }

  @Override
  public void viewerSpliced() {
    spliced.increment();
  }

  private Counter counter(String name, String description, String tag, String value) {
    return counters.computeIfAbsent(name + '\0' + value,
        k -> Counter.builder(name).description(description).tag(tag, value).register(registry));
  }
}
