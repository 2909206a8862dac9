package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.event.ActivityEvent;

/**
 * Policies on the injected clock (docs/architecture.md#policies): the flusher ticks once per simulated second, half
 * a second after each whole second, so "within one tick" is visible; events are what an event listener hears in
 * memory-store mode, closes what the {@link ViewerCloser} is asked, with the simulated time of the ask.
 */
class PolicyTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final FakeTime time = FakeTime.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<ActivityEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> closes = new ArrayList<>();
  /** Whether the closer closes the viewer during the call, as an application on the same thread would. */
  private boolean closeAtOnce;
  private ActivityTracker tracker;

  private ActivityTracker tracker(ViewerPolicy global) {
    tracker = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .replicaId("r1").policy(global).viewerCloser(this::close).eventListener(events::add).build());
    return tracker;
  }

  private void close(Viewer viewer, PolicyReason reason) {
    closes.add(viewer.viewerId() + " " + reason.label() + " @" + now());
    if (closeAtOnce) {
      tracker.viewerClosed(viewer, reason.label());
    }
  }

  private String now() {
    return Scenario.seconds(time.nanos());
  }

  private static Duration s(String seconds) {
    return Scenario.seconds(seconds);
  }

  /** Ticks at every {@code k + 0.5} s from the current time up to {@code until}, with nothing else happening. */
  private void tickUntil(String until) {
    long end = s(until).toNanos();
    long next = (time.nanos() / 1_000_000_000L) * 1_000_000_000L + 500_000_000L;
    if (next <= time.nanos()) {
      next += 1_000_000_000L;
    }
    for (; next <= end; next += 1_000_000_000L) {
      time.set(Duration.ofNanos(next));
      tracker.tick();
    }
    if (time.nanos() < end) {
      time.set(Duration.ofNanos(end));
    }
  }

  /** The events heard since the last call, one line each, times in seconds since the start. */
  private List<String> lines() {
    List<String> out = new ArrayList<>();
    for (ActivityEvent e : events) {
      String at = seconds(e.at());
      out.add(switch (e.type()) {
        case SESSION_STATE_CHANGED -> e.sessionId() + " " + e.from() + "->" + e.to() + " @" + at + " " + e.reason();
        case VIEWER_OPENED -> e.sessionId() + " opened " + e.viewerId() + " @" + at;
        case VIEWER_CLOSED -> e.sessionId() + " closed " + e.viewerId() + " @" + at + " " + e.reason();
        case SESSION_IDLE_WARNING -> e.sessionId() + " idle_warning @" + at + " disconnectAt "
            + seconds(e.disconnectAt()) + " secondsLeft " + e.secondsLeft() + " limit " + e.limit().toSeconds();
        case VIEWER_MAX_DURATION_WARNING -> e.sessionId() + " max_duration_warning " + e.viewerId() + " @" + at
            + " disconnectAt " + seconds(e.disconnectAt()) + " secondsLeft " + e.secondsLeft() + " limit "
            + e.limit().toSeconds();
        case VIEWER_DISCONNECTED_BY_POLICY -> e.sessionId() + " disconnected_by_policy " + e.viewerId() + " @" + at
            + " " + e.reason() + " limit " + e.limit().toSeconds();
      });
    }
    events.clear();
    return out;
  }

  private List<String> closes() {
    List<String> out = List.copyOf(closes);
    closes.clear();
    return out;
  }

  private String seconds(Instant instant) {
    return new BigDecimal(Duration.between(time.origin(), instant).toNanos()).movePointLeft(9).stripTrailingZeros()
        .toPlainString();
  }

  private static ViewerPolicy idle(Duration disconnect, Duration warning) {
    ViewerPolicy.Builder b = ViewerPolicy.builder().idleDisconnect(disconnect);
    return (warning == null ? b : b.idleWarning(warning)).build();
  }

  @Test
  void theIdleDisconnectFiresAtTheDeadlineWithinOneTickAndNotBefore() {
    tracker(idle(Duration.ofMinutes(10), null));
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    Viewer b = tracker.viewerOpened("s", "b", Map.of(), true);
    time.set(s("100"));
    tracker.input(a, InputKind.KEY_PRESS);
    tickUntil("699.9");
    assertThat(closes()).as("idle since the input at 100: due at 700").isEmpty();
    tickUntil("700.5");
    assertThat(closes()).as("the first tick at or after the deadline closes every viewer of the session")
        .containsExactly("a idle_timeout @700.5", "b idle_timeout @700.5");
    assertThat(tracker.snapshot("s").orElseThrow().viewers()).as("they count until the application closes them")
        .hasSize(2);
  }

  @Test
  void countedInputResetsTheIdleClockAndNoiseOrClipboardDoNot() {
    tracker(idle(Duration.ofMinutes(10), null));
    Viewer quiet = tracker.viewerOpened("noise", "a", Map.of(), true);
    Viewer busy = tracker.viewerOpened("keys", "b", Map.of(), true);
    for (int t = 10; t <= 590; t += 10) {
      time.set(Duration.ofSeconds(t));
      tracker.input(quiet, InputKind.NOISE);
      tracker.input(quiet, InputKind.CLIPBOARD);
      if (t == 300) {
        tracker.input(busy, InputKind.POINTER_MOVE);
      }
      tracker.tick();
    }
    tickUntil("600.5");
    assertThat(closes()).as("NOISE and CLIPBOARD are not counted input").containsExactly("a idle_timeout @600.5");
    tickUntil("899.5");
    assertThat(closes()).isEmpty();
    tickUntil("900.5");
    assertThat(closes()).as("idle since the pointer move at 300").containsExactly("b idle_timeout @900.5");
  }

  @Test
  void theWarningComesFirstOncePerIdlePeriodWithTheExactTimeLeft() {
    tracker(idle(Duration.ofMinutes(10), MINUTE));
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    tickUntil("0.5");
    lines();
    tickUntil("539.5");
    assertThat(lines()).as("the window ran out at 60; no warning before 540").containsExactly(
        "s ACTIVE->CONNECTED_IDLE @60 WINDOW_ELAPSED");
    tickUntil("545.5");
    assertThat(lines()).as("once, at the first tick from 540 on").containsExactly(
        "s idle_warning @540.5 disconnectAt 600 secondsLeft 59 limit 600");

    time.set(s("550"));
    tracker.input(a, InputKind.KEY_PRESS);
    tickUntil("1089.5");
    assertThat(lines()).as("the input began a new idle period, not yet warned of").containsExactly(
        "s CONNECTED_IDLE->ACTIVE @550 INPUT", "s ACTIVE->CONNECTED_IDLE @610 WINDOW_ELAPSED");
    assertThat(closes()).isEmpty();
    tickUntil("1150.5");
    assertThat(lines()).containsExactly("s idle_warning @1090.5 disconnectAt 1150 secondsLeft 59 limit 600",
        "s disconnected_by_policy a @1150.5 idle_timeout limit 600");
    assertThat(closes()).containsExactly("a idle_timeout @1150.5");
  }

  @Test
  void theExactSequenceOfEventsWhenTheApplicationClosesOnTheTickThread() {
    closeAtOnce = true;
    tracker(idle(Duration.ofSeconds(300), Duration.ofSeconds(30)));
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    time.set(s("20"));
    tracker.input(a, InputKind.KEY_PRESS);
    tickUntil("330.5");
    assertThat(lines()).containsExactly(
        "s opened a @0",
        "s DISCONNECTED->ACTIVE @0 VIEWER_OPENED",
        "s ACTIVE->CONNECTED_IDLE @80 WINDOW_ELAPSED",
        "s idle_warning @290.5 disconnectAt 320 secondsLeft 29 limit 300",
        "s disconnected_by_policy a @320.5 idle_timeout limit 300",
        "s closed a @320.5 idle_timeout",
        "s CONNECTED_IDLE->DISCONNECTED @320.5 VIEWER_CLOSED");
    assertThat(closes()).containsExactly("a idle_timeout @320.5");
    assertThat(tracker.snapshot("s").orElseThrow().state()).isEqualTo(ActivityState.DISCONNECTED);

    // Back later: a new period, idle from its open, warned again.
    time.set(s("1000"));
    tracker.viewerOpened("s", "a2", Map.of(), true);
    tickUntil("1300.5");
    assertThat(lines()).containsExactly(
        "s opened a2 @1000",
        "s DISCONNECTED->ACTIVE @1000 VIEWER_OPENED",
        "s ACTIVE->CONNECTED_IDLE @1060 WINDOW_ELAPSED",
        "s idle_warning @1270.5 disconnectAt 1300 secondsLeft 29 limit 300",
        "s disconnected_by_policy a2 @1300.5 idle_timeout limit 300",
        "s closed a2 @1300.5 idle_timeout",
        "s CONNECTED_IDLE->DISCONNECTED @1300.5 VIEWER_CLOSED");
  }

  @Test
  void aCloseIsAskedOncePerViewerAndReasonHoweverLongTheApplicationTakes() {
    tracker(ViewerPolicy.builder().idleDisconnect(Duration.ofSeconds(100)).maxSessionDuration(Duration.ofSeconds(500))
        .build());
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    tickUntil("1000.5");
    assertThat(closes()).as("the application never closed it: each reason once").containsExactly(
        "a idle_timeout @100.5", "a max_duration @500.5");
    assertThat(lines()).filteredOn(line -> line.contains("by_policy")).containsExactly(
        "s disconnected_by_policy a @100.5 idle_timeout limit 100",
        "s disconnected_by_policy a @500.5 max_duration limit 500");

    time.set(s("1001"));
    tracker.input(a, InputKind.KEY_PRESS);
    tickUntil("2000.5");
    assertThat(closes()).as("input after the ask does not re-arm it for the same viewer").isEmpty();
    assertThat(lines()).containsExactly("s CONNECTED_IDLE->ACTIVE @1001 INPUT",
        "s ACTIVE->CONNECTED_IDLE @1061 WINDOW_ELAPSED");
    tracker.viewerClosed(a, PolicyReason.IDLE_TIMEOUT.label());
    tickUntil("2001.5");
    assertThat(lines()).containsExactly("s closed a @2000.5 idle_timeout",
        "s CONNECTED_IDLE->DISCONNECTED @2000.5 VIEWER_CLOSED");
  }

  @Test
  void aViewerOpenedWhileTheOthersAreBeingClosedForIdlenessStartsANewPeriod() {
    tracker(idle(Duration.ofSeconds(100), null));
    tracker.viewerOpened("s", "a", Map.of(), true);
    tickUntil("100.5");
    assertThat(closes()).containsExactly("a idle_timeout @100.5");
    time.set(s("150"));
    tracker.viewerOpened("s", "b", Map.of(), true);
    tickUntil("249.5");
    assertThat(closes()).as("b is idle since its own open, not since 0").isEmpty();
    tickUntil("250.5");
    assertThat(closes()).containsExactly("b idle_timeout @250.5");
  }

  /** Ticks skip the policy pass while nothing can be due; an open or a blindness after such ticks is still seen. */
  @Test
  void anOpenOrABlindnessAfterQuietTicksIsActedOnInTime() {
    tracker(ViewerPolicy.builder().maxSessionDuration(Duration.ofHours(8)).build());
    tracker.viewerOpened("far", "a", Map.of(), true);
    Viewer b = tracker.viewerOpened("blind", "b", Map.of(), true, ViewerPolicy.builder()
        .blindMaxDuration(Duration.ofSeconds(30)).build());
    tickUntil("99.5");
    time.set(s("100"));
    tracker.viewerOpened("short", "c", Map.of(), true, ViewerPolicy.builder()
        .maxSessionDuration(Duration.ofSeconds(10)).build());
    tickUntil("109.5");
    time.set(s("110"));
    tracker.inspectionLost(b, "TLS");
    tickUntil("139.5");
    assertThat(closes()).containsExactly("c max_duration @110.5");
    tickUntil("140.5");
    assertThat(closes()).containsExactly("b blind_max_duration @140.5");
  }

  @Test
  void maxDurationClosesEachViewerItsDurationAfterItConnectedWhateverItsInput() {
    closeAtOnce = true;
    tracker(ViewerPolicy.builder().maxSessionDuration(Duration.ofHours(1)).maxDurationWarning(Duration.ofMinutes(5))
        .build());
    Viewer a = tracker.viewerOpened("s", "a", Map.of(), true);
    time.set(s("1000"));
    Viewer b = tracker.viewerOpened("s", "b", Map.of(), true);
    for (int t = 1000; t < 4700; t += 10) {
      time.set(Duration.ofSeconds(t));
      tracker.input(a, InputKind.KEY_PRESS);
      tracker.input(b, InputKind.KEY_PRESS);
      tickUntil(t + 9.5 + "");
    }
    assertThat(lines()).filteredOn(line -> !line.contains("->")).containsExactly(
        "s opened a @0",
        "s opened b @1000",
        "s max_duration_warning a @3300.5 disconnectAt 3600 secondsLeft 299 limit 3600",
        "s disconnected_by_policy a @3600.5 max_duration limit 3600",
        "s closed a @3600.5 max_duration",
        "s max_duration_warning b @4300.5 disconnectAt 4600 secondsLeft 299 limit 3600",
        "s disconnected_by_policy b @4600.5 max_duration limit 3600",
        "s closed b @4600.5 max_duration");
    assertThat(closes()).containsExactly("a max_duration @3600.5", "b max_duration @4600.5");
  }

  @Test
  void aBlindViewerIsClosedItsLimitAfterItWentBlindEvenWhileItsTrafficKeepsTheSessionActive() {
    closeAtOnce = true;
    tracker(ViewerPolicy.builder().blindMaxDuration(Duration.ofMinutes(30)).build());
    Viewer lost = tracker.viewerOpened("s", "lost", Map.of(), true);
    Viewer uninspected = tracker.viewerOpened("s", "uninspected", Map.of(), false);
    Viewer readable = tracker.viewerOpened("s", "readable", Map.of(), true);
    time.set(s("100"));
    tracker.inspectionLost(lost, "TLS");
    for (int t = 100; t < 2500; t += 10) {
      time.set(Duration.ofSeconds(t));
      tracker.input(lost, InputKind.BLIND_TRAFFIC);
      tracker.input(uninspected, InputKind.BLIND_TRAFFIC);
      tracker.input(readable, InputKind.KEY_PRESS);
      tickUntil(t + 9.5 + "");
    }
    assertThat(closes()).containsExactly("uninspected blind_max_duration @1800.5", "lost blind_max_duration @1900.5");
    assertThat(lines()).filteredOn(line -> line.contains("by_policy")).containsExactly(
        "s disconnected_by_policy uninspected @1800.5 blind_max_duration limit 1800",
        "s disconnected_by_policy lost @1900.5 blind_max_duration limit 1800");
    assertThat(tracker.snapshot("s").orElseThrow().viewers()).extracting(ViewerSnapshot::viewerId)
        .containsExactly("readable");
    assertThat(readable.toString()).doesNotContain("closed");
  }

  @Test
  void theStricterOfTheGlobalAndTheViewersPolicyWins() {
    closeAtOnce = true;
    tracker(idle(Duration.ofMinutes(10), MINUTE));
    tracker.viewerOpened("strict", "a", Map.of(), true, idle(Duration.ofMinutes(5), Duration.ofSeconds(10)));
    tracker.viewerOpened("lax", "b", Map.of(), true, idle(Duration.ofMinutes(20), Duration.ofMinutes(2)));
    tracker.viewerOpened("timed", "c", Map.of(), true,
        ViewerPolicy.builder().maxSessionDuration(Duration.ofSeconds(200)).build());
    tickUntil("600.5");
    assertThat(closes()).containsExactly("c max_duration @200.5", "a idle_timeout @300.5", "b idle_timeout @600.5");
    assertThat(lines()).filteredOn(line -> line.contains("warning")).as("the longer lead below the limit")
        .containsExactly("strict idle_warning @240.5 disconnectAt 300 secondsLeft 59 limit 300",
            "lax idle_warning @480.5 disconnectAt 600 secondsLeft 119 limit 600");
  }

  @Test
  void stricterTakesTheShorterLimitAndTheLongestLeadThatStillComesBeforeIt() {
    ViewerPolicy global = ViewerPolicy.builder().idleDisconnect(Duration.ofMinutes(30)).idleWarning(
        Duration.ofMinutes(10)).blindMaxDuration(Duration.ofHours(2)).build();
    ViewerPolicy route = ViewerPolicy.builder().idleDisconnect(Duration.ofMinutes(8)).idleWarning(
        Duration.ofMinutes(1)).maxSessionDuration(Duration.ofHours(8)).maxDurationWarning(Duration.ofMinutes(5))
        .blindMaxDuration(Duration.ofHours(3)).build();
    ViewerPolicy combined = global.stricter(route);
    assertThat(combined).isEqualTo(route.stricter(global));
    assertThat(combined.idleDisconnect()).contains(Duration.ofMinutes(8));
    assertThat(combined.idleWarning()).as("10 min would not come before an 8 min limit")
        .contains(Duration.ofMinutes(1));
    assertThat(combined.maxSessionDuration()).contains(Duration.ofHours(8));
    assertThat(combined.maxDurationWarning()).contains(Duration.ofMinutes(5));
    assertThat(combined.blindMaxDuration()).contains(Duration.ofHours(2));
    assertThat(combined.toString()).isEqualTo("ViewerPolicy[idleDisconnect=PT8M, idleWarning=PT1M, "
        + "maxSessionDuration=PT8H, maxDurationWarning=PT5M, blindMaxDuration=PT2H]");
    ViewerPolicy longerLead = ViewerPolicy.builder().idleDisconnect(Duration.ofMinutes(8))
        .idleWarning(Duration.ofMinutes(3)).build();
    assertThat(route.stricter(longerLead).idleWarning()).contains(Duration.ofMinutes(3));
    assertThat(ViewerPolicy.NONE.stricter(route)).isSameAs(route);
    assertThat(route.stricter(ViewerPolicy.NONE)).isSameAs(route);
    assertThat(ViewerPolicy.builder().build()).isSameAs(ViewerPolicy.NONE);
  }

  @Test
  void policiesAreCheckedWhereTheyAreGiven() {
    assertThatThrownBy(() -> ViewerPolicy.builder().idleWarning(MINUTE).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("idleWarning needs idleDisconnect: a warning of no close");
    assertThatThrownBy(() -> ViewerPolicy.builder().maxSessionDuration(MINUTE).maxDurationWarning(MINUTE).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDurationWarning must be < maxSessionDuration: PT1M >= PT1M");
    assertThatThrownBy(() -> ViewerPolicy.builder().blindMaxDuration(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("blindMaxDuration must be > 0: PT0S");
    assertThatThrownBy(() -> ViewerPolicy.builder().idleDisconnect(Duration.ofDays(367)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("idleDisconnect must be <= PT8784H: PT8808H");
    assertThatThrownBy(() -> ViewerPolicy.builder().idleDisconnect(MINUTE).idleDisconnect(MINUTE))
        .isInstanceOf(IllegalStateException.class).hasMessage("idleDisconnect was already set to PT1M");
    assertThatThrownBy(() -> ActivityConfig.builder().policy(idle(MINUTE, null)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policy needs a viewerCloser: ViewerPolicy[idleDisconnect=PT1M]");
    assertThat(ActivityConfig.defaults().policy()).isSameAs(ViewerPolicy.NONE);
  }

  @Test
  void aThrowingCloserCostsNoOtherClose() {
    List<String> asked = new ArrayList<>();
    ActivityTracker t = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .replicaId("r1").policy(idle(Duration.ofSeconds(10), null)).viewerCloser((viewer, reason) -> {
          asked.add(viewer.viewerId());
          throw new IllegalStateException("application bug");
        }).build());
    t.viewerOpened("s", "a", Map.of(), true);
    t.viewerOpened("s", "b", Map.of(), true);
    time.set(s("10"));
    t.tick();
    assertThat(asked).containsExactly("a", "b");
    time.set(s("20"));
    t.tick();
    assertThat(asked).as("asked once each, thrown or not").containsExactly("a", "b");
  }
}
