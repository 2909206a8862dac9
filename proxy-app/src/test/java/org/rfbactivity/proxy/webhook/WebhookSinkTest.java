package org.rfbactivity.proxy.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.EventIds;
import org.rfbactivity.activity.event.EventType;

/** The sink against a real HTTP receiver on 127.0.0.1: signatures, retries, order, a hanging receiver, the queue. */
class WebhookSinkTest {

  /** Fast enough that a test waits milliseconds for a retry. */
  private static final RetryPolicy QUICK = new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(20), 10);
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00.250Z");

  private final EventIds ids = new EventIds(42);
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final ThreadFactory threadFactory = r -> {
    Thread t = new Thread(r, "test-webhook-" + threads.size());
    t.setDaemon(true);
    threads.add(t);
    return t;
  };
  private final List<WebhookSink> sinks = new ArrayList<>();
  private Receiver receiver;
  private byte[] key;
  private String secretText;

  @BeforeEach
  void receiver() throws Exception {
    receiver = new Receiver();
    key = new byte[32];
    new SecureRandom().nextBytes(key);
    secretText = "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  @AfterEach
  void close() {
    sinks.forEach(WebhookSink::close);
    receiver.close();
    registry.close();
    // close() interrupts and waits 1 s; on a loaded machine a sender stuck in a hung request may take longer to
    // unwind, but it must end.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(threads).as("every thread the sink created has ended").noneMatch(Thread::isAlive));
  }

  private WebhookSink.Builder sink() {
    return WebhookSink.builder().endpoint(receiver.url("/hooks/rfb?token=t0ps3cret"))
        .secret(WebhookSigner.parseKey(secretText)).threadFactory(threadFactory).registry(registry).retry(QUICK);
  }

  private WebhookSink started(WebhookSink.Builder b) {
    WebhookSink sink = b.build();
    sinks.add(sink);
    sink.start();
    return sink;
  }

  private ActivityEvent stateChanged() {
    return ActivityEvent.stateChanged(ids.next(), NOW, "proxy-1", "desk-1", ActivityState.CONNECTED_IDLE,
        ActivityState.ACTIVE, NOW.minusSeconds(60), "v1", InputKind.KEY_PRESS, "INPUT");
  }

  private ActivityEvent viewerOpened() {
    return ActivityEvent.viewerOpened(ids.next(), NOW, "proxy-1", "desk-1", "v1");
  }

  private ActivityEvent viewerClosed() {
    return ActivityEvent.viewerClosed(ids.next(), NOW, "proxy-1", "desk-1", "v1", "client_closed");
  }

  private double events(String outcome) {
    return registry.get("vnc.proxy.webhook.events").tag("endpoint", receiver.label()).tag("outcome", outcome)
        .counter().count();
  }

  private double attempts(String result) {
    return registry.get("vnc.proxy.webhook.attempts").tag("endpoint", receiver.label()).tag("result", result)
        .counter().count();
  }

  private double queueDepth() {
    return registry.get("vnc.proxy.webhook.queue.depth").tag("endpoint", receiver.label()).gauge().value();
  }

  /** The specification's algorithm, written here from its text rather than taken from {@link WebhookSigner}. */
  private static String expectedSignature(byte[] key, String id, String timestamp, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] signed = (id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed));
  }

  @Test
  void theSpecificationsTestVector() {
    // From the Standard Webhooks repository's own library tests.
    WebhookSigner signer = new WebhookSigner(WebhookSigner.parseKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    assertThat(signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
        "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assertThat(signer.toString()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  }

  @Test
  void eachRequestIsSignedAsTheSpecificationSays() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-12-03T10:00:07.900Z"), ZoneOffset.UTC);
    started(sink().clock(clock));
    List<ActivityEvent> sent = List.of(stateChanged(), viewerOpened(), viewerClosed());
    sent.forEach(this::deliverTo);

    await().until(() -> receiver.requests.size() == 3);
    for (int i = 0; i < 3; i++) {
      Receiver.Request r = receiver.requests.get(i);
      ActivityEvent e = sent.get(i);
      assertThat(r.path()).isEqualTo("/hooks/rfb?token=t0ps3cret");
      assertThat(r.id()).isEqualTo(e.id());
      assertThat(r.text()).isEqualTo(e.toJson());
      assertThat(r.timestamp()).isEqualTo("1796292007");
      assertThat(r.signature()).isEqualTo(expectedSignature(key, r.id(), r.timestamp(), r.body()));
      assertThat(r.contentType()).isEqualTo("application/json");
      assertThat(r.userAgent()).isEqualTo("rfb-activity");
    }
    await().until(() -> events("delivered") == 3);
    assertThat(attempts("2xx")).isEqualTo(3);
    assertThat(registry.get("vnc.proxy.webhook.delivery").tag("endpoint", receiver.label()).timer().count())
        .isEqualTo(3);
    assertThat(registry.scrape()).contains("vnc_proxy_webhook_events_total{endpoint=\"" + receiver.label()
        + "\",outcome=\"delivered\"} 3.0").doesNotContain("t0ps3cret");
  }

  @Test
  void aSecretWithoutThePrefixIsItsOwnBytes() throws Exception {
    byte[] text = "correct horse battery staple, 32b".getBytes(StandardCharsets.UTF_8);
    started(sink().secret(WebhookSigner.parseKey(new String(text, StandardCharsets.UTF_8))));
    deliverTo(viewerOpened());

    await().until(() -> receiver.requests.size() == 1);
    Receiver.Request r = receiver.requests.get(0);
    assertThat(r.signature()).isEqualTo(expectedSignature(text, r.id(), r.timestamp(), r.body()));
  }

  @Test
  void aFailedAttemptIsRepeatedWithTheSameIdAndBodyBeforeTheNextEventIsSent() {
    receiver.status = n -> n == 1 ? 500 : 200;
    started(sink());
    ActivityEvent first = stateChanged();
    ActivityEvent second = viewerClosed();
    deliverTo(first);
    deliverTo(second);

    await().until(() -> events("delivered") == 2);
    assertThat(receiver.ids()).containsExactly(first.id(), first.id(), second.id());
    assertThat(receiver.requests.get(1).body()).isEqualTo(receiver.requests.get(0).body())
        .isEqualTo(first.toJson().getBytes(StandardCharsets.UTF_8));
    assertThat(attempts("5xx")).isEqualTo(1);
    assertThat(attempts("2xx")).isEqualTo(2);
    assertThat(events("failed")).isZero();
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> receiver.requests.size() == 3); // and nothing more
  }

  @Test
  void anEventIsGivenUpAfterItsAttemptsAndTheNextOneIsSent() {
    receiver.status = n -> n <= 3 ? 503 : 200;
    started(sink().retry(new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5), 3)));
    ActivityEvent first = viewerOpened();
    ActivityEvent second = viewerClosed();
    deliverTo(first);
    deliverTo(second);

    await().until(() -> events("delivered") == 1);
    assertThat(receiver.ids()).containsExactly(first.id(), first.id(), first.id(), second.id());
    assertThat(events("failed")).isEqualTo(1);
    assertThat(attempts("5xx")).isEqualTo(3);
  }

  @Test
  void goneStopsTheEndpoint() {
    receiver.status = n -> 410;
    started(sink());
    deliverTo(viewerOpened());
    await().until(() -> events("failed") == 1);

    deliverTo(viewerClosed());
    assertThat(events("failed")).as("given up at once").isEqualTo(2);
    assertThat(receiver.requests).hasSize(1);
  }

  @Test
  void onEventNeverWaitsForAHangingReceiverAndTheTimeoutFires() {
    receiver.hang();
    started(sink().timeout(Duration.ofMillis(200)));
    ActivityEvent head = stateChanged();
    deliverTo(head);
    await().until(() -> receiver.requests.size() == 1); // the sender now waits for an answer that is held

    long start = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      deliverTo(viewerOpened());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(receiver.hanging()).as("all of them returned while the receiver held its answer").isTrue();
    assertThat(took).as("a generous bound for 10,000 calls").isLessThan(Duration.ofSeconds(5));
    assertThat(queueDepth()).isEqualTo(10_000);
    assertThat(events("dropped")).isZero();
    await().until(() -> attempts("timeout") >= 2);
    assertThat(receiver.ids()).as("the head, again and again").allMatch(head.id()::equals);
  }

  @Test
  void aFullQueueDropsTheOldestCountsThemAndSendsTheNewestInOrderOnceTheReceiverRecovers() {
    receiver.hang();
    started(sink().queueLimit(5).timeout(Duration.ofSeconds(1)));
    ActivityEvent head = viewerOpened();
    deliverTo(head);
    await().until(() -> receiver.requests.size() == 1); // the head is in flight, not in the queue
    List<ActivityEvent> more = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      more.add(stateChanged());
    }
    more.forEach(this::deliverTo);

    assertThat(events("dropped")).as("12 queued into 5 places").isEqualTo(7);
    assertThat(queueDepth()).isEqualTo(5);

    receiver.recover();
    await().until(() -> events("delivered") == 6);
    List<String> expected = new ArrayList<>(List.of(head.id()));
    more.subList(7, 12).forEach(e -> expected.add(e.id()));
    assertThat(distinctInOrder(receiver.ids())).containsExactlyElementsOf(expected);
    assertThat(queueDepth()).isZero();
    assertThat(events("dropped")).isEqualTo(7);
  }

  @Test
  void onlyTheTypesAskedForAreSent() {
    started(sink().events(Set.of(EventType.VIEWER_OPENED, EventType.VIEWER_CLOSED)));
    ActivityEvent opened = viewerOpened();
    ActivityEvent closed = viewerClosed();
    deliverTo(stateChanged());
    deliverTo(opened);
    deliverTo(stateChanged());
    deliverTo(closed);

    await().until(() -> events("delivered") == 2);
    // In order, so nothing filtered out can still come between or before them.
    assertThat(receiver.ids()).containsExactly(opened.id(), closed.id());
  }

  @Test
  void closeDeliversWhatIsQueuedThenStopsItsThreads() {
    WebhookSink sink = started(sink());
    ActivityEvent first = viewerOpened();
    sink.onEvent(first);
    await().until(() -> events("delivered") == 1); // the client is warm: the drain time is for the queue alone
    List<String> sent = new ArrayList<>(List.of(first.id()));
    for (int i = 0; i < 20; i++) {
      ActivityEvent e = stateChanged();
      sent.add(e.id());
      sink.onEvent(e);
    }
    sink.close();

    assertThat(receiver.ids()).containsExactlyElementsOf(sent);
    assertThat(sink.anyRunning()).isFalse();
    sink.onEvent(viewerOpened()); // after close: ignored, not queued
    assertThat(receiver.requests).hasSize(21);
  }

  @Test
  void closeGivesAHangingReceiverABoundedTimeThenCountsWhatIsLeftAsDropped() {
    receiver.hang();
    WebhookSink sink = started(sink().timeout(Duration.ofSeconds(30)));
    deliverTo(viewerOpened());
    await().until(() -> receiver.requests.size() == 1);
    deliverTo(viewerClosed());
    deliverTo(stateChanged());

    long start = System.nanoTime();
    sink.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(WebhookSink.DRAIN_TIMEOUT.plus(WebhookSink.STOP_WAIT).plusSeconds(5));
    assertThat(sink.anyRunning()).isFalse();
    assertThat(events("dropped")).as("the one in flight and the two queued").isEqualTo(3);
    assertThat(queueDepth()).isZero();
  }

  private void deliverTo(ActivityEvent event) {
    sinks.get(sinks.size() - 1).onEvent(event);
  }

  private static List<String> distinctInOrder(List<String> ids) {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(id)) {
        out.add(id);
      }
    }
    return out;
  }
}
