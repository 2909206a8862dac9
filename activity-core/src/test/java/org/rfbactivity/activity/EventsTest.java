package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.EventType;

/**
 * Events without a database: every open, close and state change, in order, with time in state; and what the tracker
 * remembers of sessions without viewers (docs/architecture.md#events, docs/architecture.md#time-in-state).
 */
class EventsTest {

  private final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<ActivityEvent> events = new CopyOnWriteArrayList<>();

  private ActivityTracker tracker(int retained) {
    return new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock()).replicaId("r1")
        .retainedSessions(retained).eventListener(events::add).build());
  }

  private static Duration s(String seconds) {
    return Scenario.seconds(seconds);
  }

  private List<String> lines() {
    List<String> out = new ArrayList<>();
    for (ActivityEvent e : events) {
      String at = Duration.between(time.origin(), e.at()).toMillis() / 1000.0 + "";
      out.add(switch (e.type()) {
        case SESSION_STATE_CHANGED -> e.sessionId() + " " + e.from() + "->" + e.to() + " @" + at + " since "
            + (e.fromSince() == null ? "-" : Duration.between(time.origin(), e.fromSince()).toMillis() / 1000.0)
            + " " + e.viewerId() + "/" + (e.inputKind() == null ? "-" : e.inputKind()) + " " + e.reason();
        case VIEWER_OPENED -> e.sessionId() + " opened " + e.viewerId() + " @" + at;
        case VIEWER_CLOSED -> e.sessionId() + " closed " + e.viewerId() + " @" + at + " " + e.reason();
        default -> throw new AssertionError("no policy is on: " + e); // PolicyTest covers those
      });
    }
    events.clear();
    return out;
  }

  @Test
  void everyOpenCloseAndChangeInOrderWithTimeInState() {
    ActivityTracker tracker = tracker(10);
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    time.set(s("0.5"));
    tracker.tick();
    assertThat(lines()).containsExactly("s opened a @0.0", "s DISCONNECTED->ACTIVE @0.0 since 0.0 a/- VIEWER_OPENED");

    time.set(s("60.5"));
    tracker.tick();
    assertThat(lines()).containsExactly("s ACTIVE->CONNECTED_IDLE @60.0 since 0.0 a/- WINDOW_ELAPSED");

    time.set(s("70"));
    tracker.input(a, InputKind.KEY_PRESS);
    time.set(s("70.5"));
    tracker.tick();
    assertThat(lines()).containsExactly("s CONNECTED_IDLE->ACTIVE @70.0 since 60.0 a/KEY_PRESS INPUT");
    SessionSnapshot active = tracker.snapshot("s").orElseThrow();
    assertThat(active.stateSince()).isEqualTo(time.at(s("70")));
    assertThat(active.activeUntil()).isEqualTo(time.at(s("130")));
    assertThat(active.lastConnectAt()).isEqualTo(time.origin());
    assertThat(active.lastDisconnectAt()).isNull();
    assertThat(active.lastCloseReason()).isNull();
    assertThat(active.lastCause()).isEqualTo(new TransitionCause("a", InputKind.KEY_PRESS, TransitionReason.INPUT));

    time.set(s("80"));
    tracker.viewerClosed(a, "client_closed");
    time.set(s("80.5"));
    tracker.tick();
    assertThat(lines()).containsExactly("s closed a @80.0 client_closed",
        "s ACTIVE->DISCONNECTED @80.0 since 70.0 a/- VIEWER_CLOSED");

    SessionSnapshot gone = tracker.snapshot("s").orElseThrow();
    assertThat(tracker.holds("s")).isFalse();
    assertThat(gone.state()).isEqualTo(ActivityState.DISCONNECTED);
    assertThat(gone.stateSince()).isEqualTo(time.at(s("80")));
    assertThat(gone.lastActivity()).isEqualTo(time.at(s("70")));
    assertThat(gone.lastInputKind()).isEqualTo(InputKind.KEY_PRESS);
    assertThat(gone.lastConnectAt()).isEqualTo(time.origin());
    assertThat(gone.lastDisconnectAt()).isEqualTo(time.at(s("80")));
    assertThat(gone.activeUntil()).isNull();
    assertThat(gone.lastCause()).isEqualTo(new TransitionCause("a", null, TransitionReason.VIEWER_CLOSED));
    assertThat(gone.inputCounts()).containsEntry(InputKind.KEY_PRESS, 1L);
    assertThat(gone.lastCloseReason()).isEqualTo("client_closed");

    // A viewer returning resumes the remembered session: its disconnected time is how long it was away.
    time.set(s("200"));
    tracker.viewerOpened("s", "b", Map.of(), true);
    time.set(s("200.5"));
    tracker.tick();
    assertThat(lines()).containsExactly("s opened b @200.0",
        "s DISCONNECTED->ACTIVE @200.0 since 80.0 b/- VIEWER_OPENED");
    assertThat(tracker.snapshot("s").orElseThrow().lastDisconnectAt()).isEqualTo(time.at(s("80")));
    assertThat(tracker.snapshot("s").orElseThrow().lastCloseReason()).as("kept while the session lives on")
        .isEqualTo("client_closed");
    tracker.close();
    assertThat(lines()).containsExactly("s closed b @200.5 tracker_closed",
        "s ACTIVE->DISCONNECTED @200.5 since 200.0 b/- VIEWER_CLOSED");
  }

  @Test
  void aDeclaredSessionIsDisconnectedSinceItWasDeclaredAndTheCapForgetsTheOldestFirst() {
    ActivityTracker tracker = tracker(2);
    tracker.declareSession("desk-1");
    SessionSnapshot declared = tracker.snapshot("desk-1").orElseThrow();
    assertThat(declared.state()).isEqualTo(ActivityState.DISCONNECTED);
    assertThat(declared.stateSince()).isEqualTo(time.origin());
    assertThat(declared.lastActivity()).isNull();
    assertThat(declared.lastCause()).isNull();

    for (String id : List.of("x", "y")) {
      time.advance(Duration.ofSeconds(1));
      Viewer v = tracker.viewerOpened(id, "v", Map.of(), true);
      tracker.viewerClosed(v, "client_closed");
      tracker.tick();
    }
    assertThat(tracker.snapshots()).extracting(SessionSnapshot::sessionId).as("desk-1 left no viewer longest ago")
        .containsExactly("x", "y");
    assertThat(tracker.snapshot("desk-1")).isEmpty();
    tracker.declareSession("y");
    assertThat(tracker.snapshot("y").orElseThrow().lastConnectAt()).as("declaring a known session changes nothing")
        .isNotNull();
  }

  @Test
  void noSessionIsRememberedWithACapOfZero() {
    ActivityTracker tracker = tracker(0);
    tracker.declareSession("desk-1");
    Viewer v = tracker.viewerOpened("s", "v", Map.of(), true);
    tracker.viewerClosed(v);
    tracker.tick();
    assertThat(tracker.snapshots()).isEmpty();
    assertThat(lines()).containsExactly("s opened v @0.0", "s DISCONNECTED->ACTIVE @0.0 since 0.0 v/- VIEWER_OPENED",
        "s closed v @0.0 null", "s ACTIVE->DISCONNECTED @0.0 since 0.0 v/- VIEWER_CLOSED");
  }

  @Test
  void theJsonIsExact() {
    ActivityEvent change = ActivityEvent.stateChanged("evt_1", Instant.parse("2026-12-03T10:20:00.250Z"), "proxy-1",
        "desk-1", ActivityState.CONNECTED_IDLE, ActivityState.ACTIVE, Instant.parse("2026-12-03T10:00:00Z"), "c1",
        InputKind.KEY_PRESS, "INPUT");
    assertThat(change.toJson()).isEqualTo("{\"schema\":1,\"id\":\"evt_1\",\"type\":\"session.state_changed\","
        + "\"at\":\"2026-12-03T10:20:00.250Z\",\"replicaId\":\"proxy-1\",\"sessionId\":\"desk-1\","
        + "\"from\":\"CONNECTED_IDLE\",\"to\":\"ACTIVE\",\"fromSince\":\"2026-12-03T10:00:00Z\",\"durationMs\":1200250,"
        + "\"cause\":{\"viewerId\":\"c1\",\"inputKind\":\"KEY_PRESS\",\"reason\":\"INPUT\"}}");
    ActivityEvent closed = ActivityEvent.viewerClosed("evt_2", Instant.parse("2026-12-03T10:20:00Z"), "proxy-1",
        "de\"sk\\1", "c1", "client\u0000closed");
    assertThat(closed.toJson()).isEqualTo("{\"schema\":1,\"id\":\"evt_2\",\"type\":\"viewer.closed\","
        + "\"at\":\"2026-12-03T10:20:00Z\",\"replicaId\":\"proxy-1\",\"sessionId\":\"de\\\"sk\\\\1\","
        + "\"viewerId\":\"c1\",\"reason\":\"client?closed\"}");
    assertThat(EventType.ofWireName("viewer.opened")).isEqualTo(EventType.VIEWER_OPENED);

    ActivityEvent warning = ActivityEvent.idleWarning("evt_3", Instant.parse("2026-12-03T10:29:00.500Z"), "proxy-1",
        "desk-1", Instant.parse("2026-12-03T10:30:00Z"), Duration.ofMinutes(30));
    assertThat(warning.toJson()).isEqualTo("{\"schema\":1,\"id\":\"evt_3\",\"type\":\"session.idle_warning\","
        + "\"at\":\"2026-12-03T10:29:00.500Z\",\"replicaId\":\"proxy-1\",\"sessionId\":\"desk-1\","
        + "\"disconnectAt\":\"2026-12-03T10:30:00Z\",\"secondsLeft\":59,\"limitMs\":1800000}");
    ActivityEvent durationWarning = ActivityEvent.maxDurationWarning("evt_4", Instant.parse("2026-12-03T17:55:00Z"),
        "proxy-1", "desk-1", "c1", Instant.parse("2026-12-03T18:00:00Z"), Duration.ofHours(8));
    assertThat(durationWarning.toJson()).isEqualTo("{\"schema\":1,\"id\":\"evt_4\","
        + "\"type\":\"viewer.max_duration_warning\",\"at\":\"2026-12-03T17:55:00Z\",\"replicaId\":\"proxy-1\","
        + "\"sessionId\":\"desk-1\",\"viewerId\":\"c1\",\"disconnectAt\":\"2026-12-03T18:00:00Z\","
        + "\"secondsLeft\":300,\"limitMs\":28800000}");
    ActivityEvent byPolicy = ActivityEvent.disconnectedByPolicy("evt_5", Instant.parse("2026-12-03T10:30:00.500Z"),
        "proxy-1", "desk-1", "c1", PolicyReason.IDLE_TIMEOUT.label(), Duration.ofMinutes(30));
    assertThat(byPolicy.toJson()).isEqualTo("{\"schema\":1,\"id\":\"evt_5\","
        + "\"type\":\"viewer.disconnected_by_policy\",\"at\":\"2026-12-03T10:30:00.500Z\","
        + "\"replicaId\":\"proxy-1\",\"sessionId\":\"desk-1\",\"viewerId\":\"c1\",\"reason\":\"idle_timeout\","
        + "\"limitMs\":1800000}");
    assertThat(EventType.ofWireName("viewer.disconnected_by_policy"))
        .isEqualTo(EventType.VIEWER_DISCONNECTED_BY_POLICY);
  }

  /** The payload fits a PostgreSQL NOTIFY (8000 bytes) whatever the ids, by construction. */
  @Property
  void theJsonStaysUnderTheNotifyLimit(@ForAll @StringLength(max = 256) String session,
      @ForAll @StringLength(max = 256) String viewer, @ForAll @StringLength(min = 1, max = 128) String replica,
      @ForAll @StringLength(max = 300) String reason) {
    ActivityEvent e = ActivityEvent.stateChanged("evt_" + "f".repeat(16) + "_" + Long.MAX_VALUE,
        Instant.parse("9999-12-31T23:59:59.999999Z"), replica, session, ActivityState.ACTIVE,
        ActivityState.CONNECTED_IDLE, Instant.parse("0001-01-01T00:00:00.000001Z"), viewer, InputKind.POINTER_MOVE,
        reason);
    int bytes = e.toJson().getBytes(StandardCharsets.UTF_8).length;
    assertThat(bytes).isLessThanOrEqualTo(ActivityEvent.MAX_JSON_BYTES);
    assertThat(ActivityEvent.MAX_JSON_BYTES).isLessThan(8000);

    // The policy events, with the longest times and limits they can carry.
    Instant at = Instant.parse("9999-12-31T23:59:59.999999Z");
    Duration limit = ViewerPolicy.MAX_LIMIT;
    for (ActivityEvent policy : List.of(
        ActivityEvent.idleWarning("evt_" + "f".repeat(16) + "_" + Long.MAX_VALUE, Instant.MIN, replica, session, at,
            limit),
        ActivityEvent.maxDurationWarning("evt_" + "f".repeat(16) + "_" + Long.MAX_VALUE, Instant.MIN, replica,
            session, viewer, at, limit),
        ActivityEvent.disconnectedByPolicy("evt_" + "f".repeat(16) + "_" + Long.MAX_VALUE, at, replica, session,
            viewer, reason, limit))) {
      String json = policy.toJson();
      assertThat(json.getBytes(StandardCharsets.UTF_8).length).as(json).isLessThanOrEqualTo(ActivityEvent.MAX_JSON_BYTES);
    }
  }
}
