package org.rfbactivity.proxy.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One endpoint's meters, named like the proxy's own ({@code vnc_proxy_webhook_…} once rendered) and tagged
 * {@code endpoint=host:port}, never the URL. Every outcome and attempt result is registered at zero at start, so that
 * {@code increase()} sees the first one.
 */
final class EndpointMetrics {

  /** What became of an event at one endpoint. */
  enum Outcome {
    /** A 2xx answer. */
    DELIVERED,
    /** Given up: attempts exhausted, or the endpoint answered 410 Gone. */
    FAILED,
    /** Never attempted to the end: the oldest in a full queue, or still queued when the drain time ran out. */
    DROPPED
  }

  /** What one attempt got. */
  enum AttemptResult {
    STATUS_2XX("2xx"), STATUS_3XX("3xx"), STATUS_4XX("4xx"), STATUS_5XX("5xx"), TIMEOUT("timeout"), ERROR("error");

    final String label;

    AttemptResult(String label) {
      this.label = label;
    }

    static AttemptResult ofStatus(int status) {
      return status < 300 ? STATUS_2XX : status < 400 ? STATUS_3XX : status < 500 ? STATUS_4XX : STATUS_5XX;
    }
  }

  private final Map<Outcome, Counter> events = new EnumMap<>(Outcome.class);
  private final Map<AttemptResult, Counter> attempts = new EnumMap<>(AttemptResult.class);
  private final Timer delivery;
  private final AtomicInteger queued = new AtomicInteger();

  EndpointMetrics(MeterRegistry registry, String endpoint) {
    for (Outcome outcome : Outcome.values()) {
      events.put(outcome, Counter.builder("vnc.proxy.webhook.events")
          .description("Webhook events by what became of them: delivered (2xx), failed (given up), dropped "
              + "(queue overflow or shutdown)")
          .tag("endpoint", endpoint).tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
    }
    for (AttemptResult result : AttemptResult.values()) {
      attempts.put(result, Counter.builder("vnc.proxy.webhook.attempts")
          .description("Webhook HTTP attempts, retries included, by status class, timeout or error")
          .tag("endpoint", endpoint).tag("result", result.label).register(registry));
    }
    delivery = Timer.builder("vnc.proxy.webhook.delivery")
        .description("From an event's hand-over to the webhook sink to its 2xx answer, queueing and retries included")
        .tag("endpoint", endpoint)
        .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofMinutes(5))
        .register(registry);
    Gauge.builder("vnc.proxy.webhook.queue.depth", queued, AtomicInteger::get)
        .description("Webhook events waiting for their endpoint, besides the one being delivered")
        .tag("endpoint", endpoint).register(registry);
  }

  void event(Outcome outcome, long count) {
    events.get(outcome).increment(count);
  }

  void delivered(long nanos) {
    events.get(Outcome.DELIVERED).increment();
    delivery.record(nanos, TimeUnit.NANOSECONDS);
  }

  void attempt(AttemptResult result) {
    attempts.get(result).increment();
  }

  void queued(int depth) {
    queued.set(depth);
  }
}
