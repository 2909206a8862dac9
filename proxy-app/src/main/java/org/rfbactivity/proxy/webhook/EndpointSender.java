package org.rfbactivity.proxy.webhook;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.rfbactivity.proxy.webhook.EndpointMetrics.AttemptResult;
import org.rfbactivity.proxy.webhook.EndpointMetrics.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint's queue and the thread that empties it, in order: the head is attempted until it is delivered or given
 * up before the next one is sent, so a receiver sees each replica's events in the order they happened. The queue is
 * bounded and drops its oldest event when full; {@link #offer} only takes a lock that is never held across I/O or a
 * wait, so it returns in microseconds whatever the receiver does.
 */
final class EndpointSender implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(WebhookSink.class);

  static final String USER_AGENT = "rfb-activity";
  static final int GONE = 410;

  /** An event as every endpoint sends it; {@code body} is shared and never written to. */
  record Pending(String id, byte[] body, long handedOverNanos) {}

  /** What one attempt got; {@code problem} is safe to log (a status, {@code timeout} or an exception's class). */
  private record Attempt(AttemptResult result, int status, long retryAfterNanos, String problem) {}

  private final WebhookEndpoint endpoint;
  private final WebhookSigner signer;
  private final Duration timeout;
  private final RetryPolicy retry;
  private final Clock clock;
  private final LongSupplier ticker;
  private final int queueLimit;
  private final EndpointMetrics metrics;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock:
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private Pending inFlight;
  private boolean draining;
  private long drainDeadline;
  private boolean stopped;
  private boolean gone;
  private boolean dropWarned;

  private HttpClient client;
  private Thread thread;
  /** The sender thread's own: whether the newest attempt failed, so that a failing episode is logged once. */
  private boolean failing;

  EndpointSender(WebhookEndpoint endpoint, WebhookSigner signer, Duration timeout, RetryPolicy retry, Clock clock,
      LongSupplier ticker, int queueLimit, EndpointMetrics metrics) {
    this.endpoint = endpoint;
    this.signer = signer;
    this.timeout = timeout;
    this.retry = retry;
    this.clock = clock;
    this.ticker = ticker;
    this.queueLimit = queueLimit;
    this.metrics = metrics;
  }

  WebhookEndpoint endpoint() {
    return endpoint;
  }

  void start(HttpClient client, ThreadFactory threads) {
    this.client = client;
    thread = threads.newThread(this);
    thread.start();
  }

  /** Queues an event; never waits for the receiver. */
  void offer(Pending event) {
    lock.lock();
    try {
      if (gone || stopped) {
        metrics.event(gone ? Outcome.FAILED : Outcome.DROPPED, 1);
        return;
      }
      if (queue.size() >= queueLimit) {
        queue.pollFirst();
        metrics.event(Outcome.DROPPED, 1);
        if (!dropWarned) {
          dropWarned = true; // once per episode: the counter has every one
          log.warn("webhook {}: queue full ({} events), dropping the oldest", endpoint, queueLimit);
        }
      }
      queue.addLast(event);
      metrics.queued(queue.size());
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void run() {
    try {
      Pending head;
      while ((head = next()) != null) {
        if (!deliver(head)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // close() ran out of drain time; what is left is counted there
    }
  }

  /** The next head, waiting for one; null once draining finds the queue empty, or when stopped or gone. */
  private Pending next() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !draining && !stopped && !gone) {
        changed.await();
      }
      if (queue.isEmpty() || stopped || gone || (draining && ticker.getAsLong() - drainDeadline >= 0)) {
        return null;
      }
      inFlight = queue.pollFirst();
      metrics.queued(queue.size());
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  /** Attempts the head until it is delivered or given up (true), or until the drain time runs out (false). */
  private boolean deliver(Pending head) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Attempt a = attempt(head);
      metrics.attempt(a.result());
      if (a.result() == AttemptResult.STATUS_2XX) {
        metrics.delivered(ticker.getAsLong() - head.handedOverNanos());
        finished(true);
        return true;
      }
      if (a.status() == GONE) {
        gone();
        return true;
      }
      if (!failing) {
        failing = true;
        log.warn("webhook {}: {} on event {}; retrying with back-off", endpoint, a.problem(), head.id());
      } else {
        log.debug("webhook {}: {} on event {}, attempt {}", endpoint, a.problem(), head.id(), attempt);
      }
      if (attempt >= retry.maxAttempts()) {
        metrics.event(Outcome.FAILED, 1);
        log.warn("webhook {}: gave up on event {} after {} attempts, the last: {}", endpoint, head.id(), attempt,
            a.problem());
        finished(false);
        return true;
      }
      long delay = Math.max(retry.delayNanos(attempt, ThreadLocalRandom.current().nextDouble()),
          Math.min(a.retryAfterNanos(), retry.cap().toNanos()));
      if (!pause(delay)) {
        return false;
      }
    }
  }

  private void finished(boolean delivered) {
    lock.lock();
    try {
      inFlight = null;
      if (delivered) {
        dropWarned = false;
      }
    } finally {
      lock.unlock();
    }
    if (delivered && failing) {
      failing = false;
      log.info("webhook {}: delivering again", endpoint);
    }
  }

  /** 410 Gone: the specification's "stop sending"; until restart, every event for it is given up at once. */
  private void gone() {
    int given;
    lock.lock();
    try {
      gone = true;
      given = queue.size() + 1;
      queue.clear();
      inFlight = null;
      metrics.queued(0);
    } finally {
      lock.unlock();
    }
    metrics.event(Outcome.FAILED, given);
    log.warn("webhook {}: 410 Gone, so no more events are sent to it until restart ({} given up)", endpoint, given);
  }

  private Attempt attempt(Pending head) throws InterruptedException {
    CompletableFuture<HttpResponse<Void>> response;
    try {
      long timestamp = clock.instant().getEpochSecond();
      HttpRequest request = HttpRequest.newBuilder(endpoint.uri()).timeout(timeout)
          .header("Content-Type", "application/json")
          .header("User-Agent", USER_AGENT)
          .header("webhook-id", head.id())
          .header("webhook-timestamp", Long.toString(timestamp))
          .header("webhook-signature", signer.sign(head.id(), timestamp, head.body()))
          .POST(HttpRequest.BodyPublishers.ofByteArray(head.body()))
          .build();
      response = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    } catch (RuntimeException e) {
      return error(e);
    }
    try {
      // The request's own timeout ends at the answer's headers; this one bounds the whole exchange.
      HttpResponse<Void> r = response.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      int status = r.statusCode();
      return new Attempt(AttemptResult.ofStatus(status), status, retryAfterNanos(r), "HTTP " + status);
    } catch (TimeoutException e) {
      response.cancel(true);
      return new Attempt(AttemptResult.TIMEOUT, 0, 0, "timeout");
    } catch (ExecutionException e) {
      return e.getCause() instanceof HttpTimeoutException ? new Attempt(AttemptResult.TIMEOUT, 0, 0, "timeout")
          : error(e.getCause());
    } catch (InterruptedException e) {
      response.cancel(true);
      throw e;
    }
  }

  /** Only the class: an exception's message may carry the URL, and with it a token. */
  private static Attempt error(Throwable e) {
    return new Attempt(AttemptResult.ERROR, 0, 0, e == null ? "error" : e.getClass().getSimpleName());
  }

  /** {@code Retry-After} in seconds (429, 503); the HTTP-date form is ignored, the back-off applies. */
  private static long retryAfterNanos(HttpResponse<Void> r) {
    String value = r.headers().firstValue("Retry-After").orElse("");
    if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
      return 0;
    }
    return TimeUnit.SECONDS.toNanos(Long.parseLong(value));
  }

  /** Waits before a retry; false when the drain time runs out first or the sender is stopped. */
  private boolean pause(long nanos) throws InterruptedException {
    long end = ticker.getAsLong() + nanos;
    lock.lock();
    try {
      while (true) {
        if (stopped) {
          return false;
        }
        long now = ticker.getAsLong();
        if (draining && drainDeadline - now <= 0) {
          return false;
        }
        long left = (draining && drainDeadline - end < 0 ? drainDeadline : end) - now;
        if (left <= 0) {
          return true;
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Delivers what is queued until {@code deadline} (ticker time), then ends. */
  void drain(long deadline) {
    lock.lock();
    try {
      draining = true;
      drainDeadline = deadline;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the thread to end by {@code deadline}; true when it did (or never started). */
  boolean awaitEnd(long deadline) throws InterruptedException {
    if (thread == null) {
      return true;
    }
    long left = deadline - ticker.getAsLong();
    if (left > 0) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    }
    return !thread.isAlive();
  }

  /** Stops the thread, cancelling an attempt in progress, and counts what was not delivered as dropped. */
  int stop(Duration wait) throws InterruptedException {
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (thread != null) {
      thread.interrupt();
      thread.join(wait.toMillis());
    }
    int left;
    lock.lock();
    try {
      left = queue.size() + (inFlight == null ? 0 : 1);
      queue.clear();
      inFlight = null;
      metrics.queued(0);
    } finally {
      lock.unlock();
    }
    metrics.event(Outcome.DROPPED, left);
    return left;
  }

  /** Whether the sender thread is still running (tests). */
  boolean running() {
    return thread != null && thread.isAlive();
  }
}
