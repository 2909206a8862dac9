package org.rfbactivity.proxy.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.LongSupplier;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.ActivityEventListener;
import org.rfbactivity.activity.event.EventType;
import org.rfbactivity.proxy.route.OwnedExecutors;
import org.rfbactivity.proxy.webhook.EndpointSender.Pending;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts every {@link ActivityEvent} (of the types asked for) to each webhook endpoint, signed as Standard Webhooks
 * specifies ({@link WebhookSigner}); the body is {@link ActivityEvent#toJson()}, whose schema is in
 * docs/architecture.md#events. Each endpoint has its own bounded queue and sender thread ({@link EndpointSender}), so
 * a slow or dead receiver delays only itself, and {@link #onEvent} never waits for any of them.
 *
 * <p>Lifecycle: the constructor starts nothing; {@link #start()} creates the HTTP client on an owned executor and one
 * named thread per endpoint from the given factory; {@link #close()} delivers what is queued for at most
 * {@link #DRAIN_TIMEOUT}, then stops the threads and counts what is left as dropped. The JDK 17 client also runs one
 * selector thread of its own, which ends once the client is released (a JDK 21 client is closed outright).
 */
public final class WebhookSink implements ActivityEventListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebhookSink.class);

  /** A small share of the 10 s a container gets between SIGTERM and SIGKILL, most of which the store's flush needs. */
  public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
  /** How long a sender thread is given to end once interrupted. */
  static final Duration STOP_WAIT = Duration.ofSeconds(1);
  /** The client's own work (connections, TLS, body); each endpoint has at most one exchange at a time. */
  static final int HTTP_THREADS = 2;
  /** Far above what one exchange per endpoint queues; a rejected task fails one attempt, which is retried. */
  static final int HTTP_TASK_LIMIT = 1024;

  private final List<EndpointSender> senders;
  private final Set<EventType> types;
  private final Duration timeout;
  private final ThreadFactory threads;
  private final LongSupplier ticker;
  private final int queueLimit;

  private ThreadPoolExecutor httpExecutor;
  private HttpClient client;
  private volatile boolean closed;

  private WebhookSink(Builder b) {
    this.types = EnumSet.copyOf(b.types);
    this.timeout = b.timeout;
    this.threads = b.threads;
    this.ticker = b.ticker;
    this.queueLimit = b.queueLimit;
    WebhookSigner signer = new WebhookSigner(b.key);
    List<EndpointSender> list = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (WebhookEndpoint endpoint : b.endpoints) {
      String label = endpoint.label();
      for (int n = 2; !labels.add(label); n++) {
        label = endpoint.label() + "#" + n; // two URLs on one host and port: each keeps its own series
      }
      list.add(new EndpointSender(endpoint, signer, b.timeout, b.retry, b.clock, b.ticker, b.queueLimit,
          new EndpointMetrics(b.registry, label)));
    }
    this.senders = List.copyOf(list);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Creates the client and the sender threads. */
  public synchronized void start() {
    if (httpExecutor != null || closed) {
      throw new IllegalStateException("start() called twice or after close()");
    }
    httpExecutor = OwnedExecutors.bounded(HTTP_THREADS, HTTP_TASK_LIMIT, threads);
    client = HttpClient.newBuilder()
        .executor(httpExecutor)
        .connectTimeout(timeout)
        // One exchange at a time per endpoint needs no multiplexing, and h2c's upgrade confuses some receivers.
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER) // the specification: a 3xx is a failure, not a new address
        .build();
    for (EndpointSender sender : senders) {
      sender.start(client, threads);
    }
    List<String> shown = senders.stream().map(s -> s.endpoint().describe()).toList();
    log.info("webhooks: {} (events {}, queue {}, timeout {})", shown,
        types.size() == EventType.values().length ? "all" : types.stream().map(EventType::wireName).toList(),
        queueLimit, timeout.toMillis() + "ms");
  }

  /** Queues the event for every endpoint; returns at once, whatever the endpoints do. */
  @Override
  public void onEvent(ActivityEvent event) {
    if (closed || !types.contains(event.type())) {
      return;
    }
    Pending pending = new Pending(event.id(), event.toJson().getBytes(StandardCharsets.UTF_8), ticker.getAsLong());
    for (EndpointSender sender : senders) {
      sender.offer(pending);
    }
  }

  /** Delivers what is queued for at most {@link #DRAIN_TIMEOUT}, then stops every thread. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = ticker.getAsLong() + DRAIN_TIMEOUT.toNanos();
    for (EndpointSender sender : senders) {
      sender.drain(deadline);
    }
    boolean interrupted = false;
    try {
      for (EndpointSender sender : senders) {
        sender.awaitEnd(deadline);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    for (EndpointSender sender : senders) {
      try {
        int left = sender.stop(STOP_WAIT);
        if (left > 0) {
          log.warn("webhook {}: {} events not delivered by shutdown (counted as dropped)", sender.endpoint(), left);
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (httpExecutor != null) {
      OwnedExecutors.shutdown(httpExecutor);
    }
    if (client instanceof AutoCloseable closeable) { // JDK 21 and later
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("webhook client close: {}", e.getClass().getSimpleName());
      }
    }
    client = null;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether any sender thread still runs (tests). */
  boolean anyRunning() {
    return senders.stream().anyMatch(EndpointSender::running);
  }

  /** Fail-fast builder; endpoints, the secret, a thread factory and a registry are required. */
  public static final class Builder {
    private final List<WebhookEndpoint> endpoints = new ArrayList<>();
    private byte[] key;
    private int queueLimit = 10_000;
    private Duration timeout = Duration.ofSeconds(5);
    private Set<EventType> types = EnumSet.allOf(EventType.class);
    private Clock clock = Clock.systemUTC();
    private LongSupplier ticker = System::nanoTime;
    private ThreadFactory threads;
    private MeterRegistry registry;
    private RetryPolicy retry = RetryPolicy.DEFAULT;

    private Builder() {}

    /** A URL; throws {@link IllegalArgumentException} for one that is not http(s), without repeating it. */
    public Builder endpoint(String url) {
      endpoints.add(WebhookEndpoint.parse(url));
      return this;
    }

    public Builder endpoints(Collection<String> urls) {
      urls.forEach(this::endpoint);
      return this;
    }

    /** The key bytes ({@link WebhookSigner#parseKey}). */
    public Builder secret(byte[] value) {
      this.key = Objects.requireNonNull(value, "secret").clone();
      return this;
    }

    /** Events waiting per endpoint, besides the one being delivered; the oldest is dropped beyond it. */
    public Builder queueLimit(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("queueLimit must be >= 1: " + value);
      }
      this.queueLimit = value;
      return this;
    }

    /** One attempt's bound, from connecting to the end of the answer. */
    public Builder timeout(Duration value) {
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("timeout must be > 0: " + value);
      }
      this.timeout = value;
      return this;
    }

    /** The event types sent; all by default. */
    public Builder events(Set<EventType> value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("events must name at least one type");
      }
      this.types = EnumSet.copyOf(value);
      return this;
    }

    /** The wall clock of {@code webhook-timestamp}. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** The nanosecond ticker of the delivery timer, back-off and drain time. */
    public Builder ticker(LongSupplier value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    public Builder threadFactory(ThreadFactory value) {
      this.threads = Objects.requireNonNull(value, "threadFactory");
      return this;
    }

    public Builder registry(MeterRegistry value) {
      this.registry = Objects.requireNonNull(value, "registry");
      return this;
    }

    /** Tests shorten the back-off. */
    Builder retry(RetryPolicy value) {
      this.retry = Objects.requireNonNull(value, "retry");
      return this;
    }

    public WebhookSink build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("at least one endpoint");
      }
      Objects.requireNonNull(key, "secret");
      Objects.requireNonNull(threads, "threadFactory");
      Objects.requireNonNull(registry, "registry");
      return new WebhookSink(this);
    }
  }
}
