package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.XevLog;
import org.rfbactivity.rfb.InputClass;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * View-only with noVNC 1.7 in headless chromium through the WebSocket frontend and a real TigerVNC Xvnc
 * (docs/architecture.md#input-permissions). noVNC's own {@code viewOnly} stays off, so the page really sends: real
 * mouse moves, a click, a wheel event, a typed key and a paste, each counted in the page as it goes to the socket
 * ({@code viewer.html}). Through a proxy without the flag {@code xev -root} on the Xvnc display sees them and the
 * session turns ACTIVE by them; through a {@code --view-only} proxy the X server sees none of them, every message the
 * page sent is dropped and counted in {@code vnc_proxy_input_dropped_total} by class, the session stays
 * CONNECTED_IDLE and the picture in the page keeps changing ({@code xclock -update 1}).
 *
 * <p>Exact counts: the key (down and up: 2 keys), the click and the wheel notch (each a press and a release: 4
 * pointer-buttons) and the paste (1 clipboard) are the same in every run. The motions are not: noVNC sends at most one
 * move per 17 ms and folds the rest, so the six mousemove events (five steps of a move and the click's move) give
 * between one and six PointerEvents, depending on how fast chromium dispatches them; the proxy's count is checked
 * against the page's own count of what it sent. The clipboard also carries noVNC's reply to Xvnc's extended
 * clipboard capabilities, sent at connect before any user input; it is counted in the page and dropped too.
 */
@ExtendWith(LeakWatch.class)
class NoVncViewOnlyIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String[] TIMINGS = {"--active-window", "2s", "--persist-interval", "1s", "--flush-tick", "100ms"};
  /** The classes the page counts; the proxy's other classes (desktop-resize, xvp) must stay at zero. */
  static final String[] PAGE_CLASSES = {"clipboard", "keys", "pointer-buttons", "pointer-motion"};

  @TempDir
  Path dir;

  @Test
  void aViewOnlyBrowsersInputNeverReachesXvncAndItsSessionStaysIdle() throws Exception {
    XevLog.requireExecutables();
    try (XvncServer xvnc = XvncServer.startWithoutAuth(640, 480);
        NoVncDriver page = NoVncDriver.start()) {
      xvnc.startX11Client("xclock", "-update", "1");
      try (XevLog events = XevLog.start(xvnc, dir.resolve("xev.log"))) {
        control(xvnc, page, events);
        viewOnly(xvnc, page, events);
      }
    }
  }

  /** Without the flag the same input reaches the X server, so xev can tell, and makes the session ACTIVE. */
  private void control(XvncServer xvnc, NoVncDriver page, XevLog events) throws Exception {
    try (TestProxy proxy = TestProxy.start(args(xvnc, page))) {
      page.target("ws://127.0.0.1:" + proxy.ws().getPort() + "/vnc/desk", null).connect();
      await().atMost(WAIT).until(() -> "CONNECTED_IDLE".equals(state(proxy)));
      act(page);
      await().atMost(WAIT).until(() -> "ACTIVE".equals(state(proxy)));
      JsonNode cause = session(proxy).get("lastCause");
      assertThat(cause.get("reason").asText()).isEqualTo("INPUT");
      assertThat(cause.get("inputKind").asText()).as("the burst began with the move").isEqualTo("POINTER_MOVE");
      // acting again until xev, which started beside the page, has seen it
      await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        assertThat(events.text())
            .contains("MotionNotify", "ButtonPress", "ButtonRelease", "KeyPress", "KeyRelease");
        act(page);
      });
      assertThat(proxy.droppedInput()).as("no filter without the flag").containsOnlyKeys(InputClass.KEYS.label(),
              InputClass.POINTER_MOTION.label(), InputClass.POINTER_BUTTONS.label(), InputClass.CLIPBOARD.label(),
              InputClass.DESKTOP_RESIZE.label(), InputClass.XVP.label())
          .allSatisfy((label, count) -> assertThat(count).isZero());
      page.disconnect();
    }
  }

  private void viewOnly(XvncServer xvnc, NoVncDriver page, XevLog events) throws Exception {
    try (TestProxy proxy = TestProxy.start(args(xvnc, page, "--view-only"))) {
      page.target("ws://127.0.0.1:" + proxy.ws().getPort() + "/vnc/desk", null).connect();
      await().atMost(WAIT).until(() -> "CONNECTED_IDLE".equals(state(proxy)));
      Map<String, Long> atConnect = page.sent();
      assertThat(atConnect).as("no user input yet").containsEntry("keys", 0L).containsEntry("pointer-motion", 0L)
          .containsEntry("pointer-buttons", 0L);
      await().atMost(WAIT).until(() -> droppedAsThePageSent(proxy, page));
      long seen = events.mark();
      String picture = page.canvas();

      act(page);

      Map<String, Long> sent = page.sent();
      assertThat(sent.get("keys")).as("KeyA down and up").isEqualTo(2L);
      assertThat(sent.get("pointer-buttons")).as("click and wheel notch, each a press and a release").isEqualTo(4L);
      assertThat(sent.get("clipboard")).as("one paste").isEqualTo(atConnect.get("clipboard") + 1);
      assertThat(sent.get("pointer-motion")).as("six mousemoves, throttled by noVNC").isBetween(1L, 6L);
      await().atMost(WAIT).until(() -> droppedAsThePageSent(proxy, page));
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
          .until(() -> "CONNECTED_IDLE".equals(state(proxy)));
      assertThat(droppedAsThePageSent(proxy, page)).as("and nothing more since").isTrue();
      assertThat(session(proxy).get("lastInputKind").isNull()).as("no input ever counted").isTrue();
      await("the picture in the page changes (xclock)").atMost(WAIT).until(() -> !page.canvas().equals(picture));
      assertThat(events.since(seen)).as("nothing reached the X server")
          .doesNotContain("MotionNotify", "ButtonPress", "ButtonRelease", "KeyPress", "KeyRelease");
      assertThat(proxy.server().connectedViewers()).as("the page is still connected").isEqualTo(1);
    }
  }

  /** Moves over the canvas (five steps), clicks, scrolls one notch, types "a", pastes. */
  private static void act(NoVncDriver page) throws Exception {
    page.move(300, 250);
    page.click(320, 260);
    page.wheel(120);
    page.typeLetter();
    page.paste("hello");
  }

  /** The proxy dropped exactly what the page counted, by class, and nothing of the classes the page never sends. */
  private static boolean droppedAsThePageSent(TestProxy proxy, NoVncDriver page) throws Exception {
    Map<String, Long> expected = new TreeMap<>(page.sent());
    assertThat(expected).containsOnlyKeys(PAGE_CLASSES);
    expected.put(InputClass.DESKTOP_RESIZE.label(), 0L);
    expected.put(InputClass.XVP.label(), 0L);
    return proxy.droppedInput().equals(expected);
  }

  private static String[] args(XvncServer xvnc, NoVncDriver page, String... extra) {
    List<String> args = new ArrayList<>(List.of("--target", "127.0.0.1:" + xvnc.port(),
        "--session-id", "desk", "--allowed-origin", page.origin()));
    args.addAll(List.of(TIMINGS));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private static JsonNode session(TestProxy proxy) throws Exception {
    return JSON.readTree(proxy.admin("/api/sessions/desk").body());
  }

  private static String state(TestProxy proxy) throws Exception {
    return session(proxy).get("state").asText();
  }

}
