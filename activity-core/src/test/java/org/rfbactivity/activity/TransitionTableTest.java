package org.rfbactivity.activity;

import static org.rfbactivity.activity.ActivityState.ACTIVE;
import static org.rfbactivity.activity.ActivityState.CONNECTED_IDLE;
import static org.rfbactivity.activity.InputKind.BLIND_TRAFFIC;
import static org.rfbactivity.activity.InputKind.CLIPBOARD;
import static org.rfbactivity.activity.InputKind.DESKTOP_RESIZE;
import static org.rfbactivity.activity.InputKind.KEY_PRESS;
import static org.rfbactivity.activity.InputKind.KEY_RELEASE;
import static org.rfbactivity.activity.InputKind.NOISE;
import static org.rfbactivity.activity.InputKind.POINTER_BUTTON;
import static org.rfbactivity.activity.InputKind.POINTER_MOVE;
import static org.rfbactivity.activity.InputKind.POINTER_WHEEL;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The state model (docs/architecture.md#activity-state), one scenario per row, on a fake ticker with the default 60 s window. */
class TransitionTableTest {

  static Stream<Scenario> scenarios() {
    return Stream.of(
        Scenario.named("opening counts as activity; the session idles exactly one window later")
            .at("0").open("s", "a")
            .at("59.999999999").tick().state("s", ACTIVE)
            .at("60").tick().state("s", CONNECTED_IDLE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED"),

        Scenario.named("the window boundary is exact: active at input + window - 1 ns, idle at input + window")
            .at("0").open("s", "a")
            .at("10").input("a", KEY_PRESS)
            .at("69.999999999").state("s", ACTIVE)
            .at("70").state("s", CONNECTED_IDLE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @70 a/KEY_PRESS WINDOW_ELAPSED"),

        Scenario.named("input after an idle period activates at the first input of the burst")
            .at("0").open("s", "a")
            .at("60").tick()
            .at("70.25").input("a", POINTER_MOVE)
            .at("70.5").input("a", KEY_PRESS)
            .at("71").tick().state("s", ACTIVE)
            .at("130.5").tick().state("s", CONNECTED_IDLE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED",
                "s CONNECTED_IDLE->ACTIVE @70.25 a/POINTER_MOVE INPUT",
                "s ACTIVE->CONNECTED_IDLE @130.5 a/KEY_PRESS WINDOW_ELAPSED"),

        Scenario.named("kinds that are not counted never activate")
            .at("0").open("s", "a")
            .at("60").tick()
            .at("61").input("a", KEY_RELEASE)
            .at("62").input("a", NOISE)
            .at("63").input("a", CLIPBOARD)
            .at("64").input("a", DESKTOP_RESIZE)
            .at("65").tick().state("s", CONNECTED_IDLE).lastActivity("s", "0")
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED"),

        Scenario.named("counted kinds are configurable")
            .counting(KEY_PRESS)
            .at("0").open("s", "a")
            .at("60").tick()
            .at("61").input("a", POINTER_MOVE)
            .at("61.5").tick().state("s", CONNECTED_IDLE)
            .at("62").input("a", KEY_PRESS)
            .at("62.5").tick().state("s", ACTIVE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED",
                "s CONNECTED_IDLE->ACTIVE @62 a/KEY_PRESS INPUT"),

        Scenario.named("several viewers: the session idles one window after the newest input of any")
            .at("0").open("s", "a")
            .at("10").open("s", "b")
            .at("20").input("b", POINTER_BUTTON)
            .at("30").input("a", KEY_PRESS)
            .at("80").tick().state("s", ACTIVE).viewerState("s", "a", ACTIVE)
            .viewerState("s", "b", CONNECTED_IDLE)
            .at("89.999999999").tick().state("s", ACTIVE)
            .at("90").tick().state("s", CONNECTED_IDLE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @90 a/KEY_PRESS WINDOW_ELAPSED"),

        Scenario.named("one viewer closing while another is active keeps the session active")
            .at("0").open("s", "a").open("s", "b")
            .at("30").input("b", KEY_PRESS)
            .at("40").close("a").state("s", ACTIVE).viewers("s", 1)
            .at("89").tick().state("s", ACTIVE)
            .at("90").tick().state("s", CONNECTED_IDLE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @90 b/KEY_PRESS WINDOW_ELAPSED"),

        Scenario.named("a closed viewer's input still counts until its window elapses")
            .at("0").open("s", "a").open("s", "b")
            .at("50").input("a", KEY_PRESS)
            .at("55").close("a")
            .at("100").tick().state("s", ACTIVE).viewerState("s", "b", CONNECTED_IDLE)
            .at("110").tick().state("s", CONNECTED_IDLE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @110 a/KEY_PRESS WINDOW_ELAPSED"),

        Scenario.named("the last close disconnects at the close time and does not move last activity")
            .at("0").open("s", "a")
            .at("5").input("a", KEY_PRESS)
            .at("20").close("a").state("s", ActivityState.DISCONNECTED).lastActivity("s", "5")
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->DISCONNECTED @20 a/- VIEWER_CLOSED"),

        Scenario.named("reopen after disconnect")
            .at("0").open("s", "a")
            .at("10").close("a")
            .at("11").tick().absent("s")
            .at("20").open("s", "b").state("s", ACTIVE).lastActivity("s", "20")
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->DISCONNECTED @10 a/- VIEWER_CLOSED",
                "s DISCONNECTED->ACTIVE @20 b/- VIEWER_OPENED"),

        Scenario.named("reopen of an idle session's viewer activates it")
            .at("0").open("s", "a")
            .at("60").tick()
            .at("70").open("s", "b")
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED",
                "s CONNECTED_IDLE->ACTIVE @70 b/- VIEWER_OPENED"),

        Scenario.named("a second open under a live viewer id replaces the first connection")
            .at("0").open("s", "a")
            .at("10").open("s", "a").viewers("s", 1).state("s", ACTIVE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED"),

        Scenario.named("a second open under the id of an idle viewer activates the session as an open")
            .at("0").open("s", "a")
            .at("60").tick()
            .at("70").open("s", "a").viewers("s", 1).state("s", ACTIVE).lastActivity("s", "70")
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED",
                "s CONNECTED_IDLE->ACTIVE @70 a/- VIEWER_OPENED"),

        Scenario.named("blind policy default: a blind viewer is active while it sends, idle a window after")
            .at("0").open("s", "a")
            .at("5").lost("a", "TLS")
            .at("50").input("a", BLIND_TRAFFIC)
            .at("100").input("a", BLIND_TRAFFIC).tick().state("s", ACTIVE).viewerState("s", "a", ACTIVE)
            .inspectable("s", false).lastActivity("s", "100")
            .at("159.999999999").tick().state("s", ACTIVE)
            .at("160").tick().state("s", CONNECTED_IDLE).viewerState("s", "a", CONNECTED_IDLE)
            .at("400").close("a")
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @160 a/BLIND_TRAFFIC WINDOW_ELAPSED",
                "s CONNECTED_IDLE->DISCONNECTED @400 a/- VIEWER_CLOSED"),

        Scenario.named("blind policy default: going blind is not activity, the traffic that follows is")
            .at("0").open("s", "a")
            .at("60").tick()
            .at("70").lost("a", "UNKNOWN_MESSAGE_TYPE").state("s", CONNECTED_IDLE)
            .at("80").input("a", BLIND_TRAFFIC).state("s", ACTIVE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED",
                "s CONNECTED_IDLE->ACTIVE @80 a/BLIND_TRAFFIC INPUT"),

        Scenario.named("blind policy IDLE_WHILE_CONNECTED: idle one window after the last activity seen")
            .policy(BlindPolicy.IDLE_WHILE_CONNECTED)
            .at("0").open("s", "a")
            .at("5").input("a", KEY_PRESS)
            .at("10").lost("a", "TLS").inspectable("s", false)
            .at("30").input("a", BLIND_TRAFFIC)
            .at("64.999999999").tick().state("s", ACTIVE)
            .at("65").tick().state("s", CONNECTED_IDLE).lastActivity("s", "5")
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @65 a/KEY_PRESS WINDOW_ELAPSED"),

        Scenario.named("a viewer opened as not inspectable is blind from the start, idle without traffic")
            .at("0").openUninspectable("s", "a")
            .at("120").tick().state("s", CONNECTED_IDLE).inspectable("s", false)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED"),

        Scenario.named("input just before a close is attributed to the closing viewer")
            .at("0").open("s", "a").open("s", "b")
            .at("60").tick()
            .at("100").input("a", KEY_PRESS)
            .at("100.5").close("a")
            .at("101").tick().state("s", ACTIVE)
            .at("160").tick().state("s", CONNECTED_IDLE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED",
                "s CONNECTED_IDLE->ACTIVE @100 a/KEY_PRESS INPUT",
                "s ACTIVE->CONNECTED_IDLE @160 a/KEY_PRESS WINDOW_ELAPSED"),

        Scenario.named("of two viewers, the one whose burst started first is the cause")
            .at("0").open("s", "a").open("s", "b")
            .at("60").tick()
            .at("100").input("b", POINTER_WHEEL)
            .at("100.5").input("a", KEY_PRESS)
            .at("101").tick()
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED",
                "s CONNECTED_IDLE->ACTIVE @100 b/POINTER_WHEEL INPUT"),

        Scenario.named("sessions are independent")
            .at("0").open("s", "a").open("t", "b")
            .at("30").input("b", KEY_PRESS)
            .at("60").tick().state("s", CONNECTED_IDLE).state("t", ACTIVE)
            .at("90").tick().state("t", CONNECTED_IDLE)
            .expect("s DISCONNECTED->ACTIVE @0 a/- VIEWER_OPENED",
                "t DISCONNECTED->ACTIVE @0 b/- VIEWER_OPENED",
                "s ACTIVE->CONNECTED_IDLE @60 a/- WINDOW_ELAPSED",
                "t ACTIVE->CONNECTED_IDLE @90 b/KEY_PRESS WINDOW_ELAPSED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void transitions(Scenario scenario) {
    scenario.run();
  }
}
