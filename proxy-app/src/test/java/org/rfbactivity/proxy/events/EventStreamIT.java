package org.rfbactivity.proxy.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.EventIds;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;

/** {@code GET /api/events} of a real proxy's admin port, read by the JDK's HttpClient. */
@ExtendWith(LeakWatch.class)
class EventStreamIT {

  static final String TOKEN = "admin-token-0123456789";
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Instant AT = Instant.parse("2026-12-03T10:00:00.250Z");
  static final String PREAMBLE = "retry: 3000\n\n";

  @TempDir
  Path dir;

  private final EventIds ids = new EventIds(0x1234L);

  private TestProxy proxy() throws Exception {
    Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n", StandardCharsets.UTF_8);
    return TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk", "--admin-token-file",
        token.toString());
  }

  private static int port(TestProxy proxy) {
    return proxy.server().adminAddress().getPort();
  }

  private static Map<String, String> bearer() {
    return Map.of("Authorization", "Bearer " + TOKEN);
  }

  private ActivityEvent opened(String session) {
    return ActivityEvent.viewerOpened(ids.next(), AT, "proxy-1", session, "c1");
  }

  private ActivityEvent changed(String session) {
    return ActivityEvent.stateChanged(ids.next(), AT.plusMillis(5), "proxy-1", session,
        ActivityState.CONNECTED_IDLE, ActivityState.ACTIVE, AT, "c1", InputKind.KEY_PRESS, "INPUT");
  }

  private ActivityEvent closed(String session) {
    return ActivityEvent.viewerClosed(ids.next(), AT.plusMillis(9), "proxy-1", session, "c1", "client_closed");
  }

  static String frame(ActivityEvent e) {
    return "id: " + e.id() + "\nevent: " + e.type().wireName() + "\ndata: " + e.toJson() + "\n\n";
  }

  static String frames(List<ActivityEvent> events) {
    StringBuilder b = new StringBuilder();
    events.forEach(e -> b.append(frame(e)));
    return b.toString();
  }

  @Test
  void everyEventInOrderAsExactFramesAndTheTypeFilter() throws Exception {
    try (TestProxy proxy = proxy();
        SseClient all = SseClient.open(SseClient.request(port(proxy), "/api/events", bearer()));
        SseClient some = SseClient.open(SseClient.request(port(proxy),
            "/api/events?types=session.state_changed,viewer.closed&access_token=" + TOKEN, Map.of()))) {
      assertThat(all.response().statusCode()).isEqualTo(200);
      assertThat(all.response().headers().firstValue("content-type")).hasValue("text/event-stream");
      assertThat(all.response().headers().firstValue("cache-control")).hasValue("no-store");
      assertThat(all.response().headers().firstValue("transfer-encoding")).hasValue("chunked");
      assertThat(some.response().statusCode()).isEqualTo(200);
      await().atMost(WAIT).until(() -> proxy.server().events().subscribers() == 2);

      EventHub hub = proxy.server().events();
      ActivityEvent opened = opened("desk");
      ActivityEvent changed = changed("desk");
      ActivityEvent closed = closed("desk");
      hub.onEvent(opened);
      hub.onEvent(changed);
      hub.onEvent(closed);

      String expectAll = PREAMBLE + frames(List.of(opened, changed, closed));
      String expectSome = PREAMBLE + frames(List.of(changed, closed));
      await().atMost(WAIT).until(() -> all.text().length() >= expectAll.length()
          && some.text().length() >= expectSome.length());
      assertThat(all.text()).isEqualTo(expectAll);
      assertThat(some.text()).isEqualTo(expectSome);
      assertThat(proxy.admin("/metrics", TOKEN).body()).contains("vnc_proxy_event_stream_subscribers 2.0",
          "vnc_proxy_event_stream_slow_disconnects_total 0.0");
    }
  }

  @Test
  void theTokenIsRequiredInTheHeaderOrAsAccessTokenOnThisEndpointOnly() throws Exception {
    try (TestProxy proxy = proxy()) {
      int port = port(proxy);
      HttpResponse<String> anonymous = SseClient.plain(SseClient.request(port, "/api/events", Map.of()));
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"rfb-activity\"");
      assertThat(SseClient.plain(SseClient.request(port, "/api/events?access_token=wrong-token-0123456789",
          Map.of())).statusCode()).isEqualTo(401);
      assertThat(SseClient.plain(SseClient.request(port, "/api/events",
          Map.of("Authorization", "Bearer wrong-token-0123456789"))).statusCode()).isEqualTo(401);
      assertThat(SseClient.plain(SseClient.request(port, "/api/sessions?access_token=" + TOKEN, Map.of()))
          .statusCode()).as("the query parameter is for EventSource only").isEqualTo(401);

      HttpResponse<String> unknownType = SseClient.plain(SseClient.request(port,
          "/api/events?types=session.state_changed,session.exploded", bearer()));
      assertThat(unknownType.statusCode()).isEqualTo(400);
      assertThat(unknownType.body()).isEqualTo(
          "unknown event type in types; known: session.state_changed,viewer.opened,viewer.closed,"
              + "session.idle_warning,viewer.max_duration_warning,viewer.disconnected_by_policy\n");
      assertThat(SseClient.plain(SseClient.request(port, "/api/events?types=", bearer())).statusCode())
          .isEqualTo(400);

      try (SseClient header = SseClient.open(SseClient.request(port, "/api/events", bearer()));
          SseClient query = SseClient.open(SseClient.request(port, "/api/events?access_token=" + TOKEN,
              Map.of()))) {
        assertThat(header.response().statusCode()).isEqualTo(200);
        assertThat(query.response().statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> header.text().equals(PREAMBLE) && query.text().equals(PREAMBLE));
      }
    }
  }

  @Test
  void lastEventIdResumesAfterAKnownIdAndReplaysTheWholeRingForAnUnknownOne() throws Exception {
    try (TestProxy proxy = proxy()) {
      EventHub hub = proxy.server().events();
      List<ActivityEvent> before = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        before.add(i % 2 == 0 ? changed("desk") : opened("desk"));
        hub.onEvent(before.get(i));
      }
      Map<String, String> resume = Map.of("Authorization", "Bearer " + TOKEN, "Last-Event-ID", before.get(2).id());
      Map<String, String> unknown = Map.of("Authorization", "Bearer " + TOKEN, "Last-Event-ID",
          "evt_00000000deadbeef_1");
      Map<String, String> filtered = Map.of("Authorization", "Bearer " + TOKEN, "Last-Event-ID", before.get(0).id());
      try (SseClient known = SseClient.open(SseClient.request(port(proxy), "/api/events", resume));
          SseClient lost = SseClient.open(SseClient.request(port(proxy), "/api/events", unknown));
          SseClient some = SseClient.open(SseClient.request(port(proxy), "/api/events?types=viewer.opened",
              filtered))) {
        await().atMost(WAIT).until(() -> hub.subscribers() == 3);
        ActivityEvent live = opened("desk");
        hub.onEvent(live);

        String expectKnown = PREAMBLE + frames(List.of(before.get(3), before.get(4), live));
        String expectLost = "retry: 3000\n: last-event-id unknown; replaying all 5 retained events\n\n"
            + frames(before) + frame(live);
        String expectSome = PREAMBLE + frames(List.of(before.get(1), before.get(3), live));
        await().atMost(WAIT).until(() -> known.text().length() >= expectKnown.length()
            && lost.text().length() >= expectLost.length() && some.text().length() >= expectSome.length());
        assertThat(known.text()).isEqualTo(expectKnown);
        assertThat(lost.text()).isEqualTo(expectLost);
        assertThat(some.text()).isEqualTo(expectSome);
      }
    }
  }

  @Test
  void aClientThatStopsReadingIsDisconnectedAndCountedWhileOthersKeepReceiving() throws Exception {
    try (TestProxy proxy = proxy();
        SseClient reader = SseClient.open(SseClient.request(port(proxy), "/api/events", bearer()));
        SseClient stalled = SseClient.openUnread(SseClient.request(port(proxy), "/api/events", bearer()))) {
      EventHub hub = proxy.server().events();
      await().atMost(WAIT).until(() -> hub.subscribers() == 2);
      // Long session ids make ~1 KB frames: the stalled client's buffers fill after some thousands.
      String session = "desk-" + "s".repeat(250);
      ActivityEvent last = null;
      int published = 0;
      while (hub.subscribers() == 2) {
        assertThat(published).as("events published before the stalled client was cut off").isLessThan(200_000);
        for (int i = 0; i < 500; i++) {
          last = changed(session);
          hub.onEvent(last);
        }
        published += 500;
        String lastData = "data: " + last.toJson();
        // The reading client keeps up: wait for it, so that only the stalled one can fall behind.
        await().atMost(WAIT).until(() -> reader.lines().contains(lastData));
      }
      assertThat(hub.subscribers()).isEqualTo(1);
      assertThat(proxy.admin("/metrics", TOKEN).body()).contains("vnc_proxy_event_stream_subscribers 1.0",
          "vnc_proxy_event_stream_slow_disconnects_total 1.0");

      ActivityEvent after = closed("desk");
      hub.onEvent(after);
      await().atMost(WAIT).until(() -> reader.text().endsWith(frame(after)));
      assertThat(reader.lines().stream().filter(l -> l.startsWith("data: ")).count())
          .as("every event reached the reading client").isEqualTo(published + 1);
    }
  }
}
