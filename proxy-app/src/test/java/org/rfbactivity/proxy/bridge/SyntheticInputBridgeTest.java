package org.rfbactivity.proxy.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.rfbactivity.activity.ActivityConfig;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.metrics.ProxyMetrics;
import org.rfbactivity.proxy.relay.FrontendKind;
import org.rfbactivity.proxy.relay.HandshakeFacts;
import org.rfbactivity.proxy.relay.HandshakeOutcome;
import org.rfbactivity.proxy.relay.ViewerDescription;
import org.rfbactivity.proxy.route.Route;
import org.rfbactivity.rfb.HandshakeCompleted;
import org.rfbactivity.rfb.RfbVersion;
import org.rfbactivity.rfb.SecurityType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A jiggler's session turns idle, a person's stays active (docs/protocol.md#synthetic-input): the bridge feeds the
 * codec's callbacks through its detector into a tracker whose ticker the test drives (60 s active window).
 */
class SyntheticInputBridgeTest {

  private static final long S = 1_000_000_000L;
  private static final int F15 = 0xFFCC;

  private final AtomicLong nanos = new AtomicLong();
  /** One backend channel per viewer, as in the proxy. */
  private final List<EmbeddedChannel> backends = new ArrayList<>();

  @AfterEach
  void finish() {
    for (EmbeddedChannel backend : backends) {
      assertThat(backend.finishAndReleaseAll()).isFalse();
    }
  }

  private ActivityTracker tracker(boolean countSynthetic) {
    ActivityConfig.Builder b = ActivityConfig.builder().ticker(nanos::get)
        .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).replicaId("r1")
        .activeWindow(Duration.ofSeconds(60));
    if (countSynthetic) {
      b.countedKinds(EnumSet.of(InputKind.KEY_PRESS, InputKind.POINTER_MOVE, InputKind.POINTER_BUTTON,
          InputKind.POINTER_WHEEL, InputKind.SYNTHETIC));
    }
    return new ActivityTracker(b.build());
  }

  private RfbActivityBridge viewer(ActivityTracker tracker, String sessionId) {
    EmbeddedChannel backend = new EmbeddedChannel();
    backends.add(backend);
    HandshakeOutcome relay = new HandshakeOutcome() {
      @Override
      public void established(HandshakeFacts facts) {
      }

      @Override
      public void securityRefused(boolean afterAuthentication) {
      }

      @Override
      public void serverStreamUnwatched() {
      }

      @Override
      public void handshakeTimedOut() {
      }
    };
    RfbActivityBridge bridge = new RfbActivityBridge(tracker, new ProxyMetrics(new SimpleMeterRegistry()), relay,
        new HandshakeTimer(backend.eventLoop(), Duration.ofSeconds(10), relay));
    bridge.connecting(new ViewerDescription("v-" + sessionId, FrontendKind.TCP, "127.0.0.1:5000",
        new Route(sessionId, new HostPort("127.0.0.1", 5901), "static")), backend.pipeline());
    bridge.handshakeCompleted(new HandshakeCompleted(new RfbVersion(3, 8), new RfbVersion(3, 8), SecurityType.of(1),
        true));
    return bridge;
  }

  /** What the codec calls for one PointerEvent that moved. */
  private static void move(RfbActivityBridge bridge, int x, int y) {
    bridge.pointer(org.rfbactivity.rfb.InputKind.POINTER_MOVE, 0, x, y);
    bridge.input(org.rfbactivity.rfb.InputKind.POINTER_MOVE);
  }

  private static void tap(RfbActivityBridge bridge, int keysym) {
    bridge.key(true, keysym);
    bridge.input(org.rfbactivity.rfb.InputKind.KEY_PRESS);
    bridge.key(false, keysym);
    bridge.input(org.rfbactivity.rfb.InputKind.KEY_RELEASE);
  }

  private static ActivityState state(ActivityTracker tracker, String sessionId) {
    return tracker.snapshot(sessionId).orElseThrow().state();
  }

  @Test
  void aJigglerTurnsIdleAfterItsActiveWindowWhileAPersonStaysActive() {
    ActivityTracker tracker = tracker(false);
    RfbActivityBridge jiggler = viewer(tracker, "jiggled");
    RfbActivityBridge person = viewer(tracker, "person");
    move(jiggler, 500, 400);
    move(person, 500, 400);
    // Every 30 s the jiggler moves 1 px right and back; the person moves somewhere new and taps F15 once.
    for (int i = 1; i <= 10; i++) {
      nanos.set(i * 30 * S);
      move(jiggler, 501, 400);
      move(jiggler, 500, 400);
      move(person, 500 + 40 * i, 400 - 7 * i);
      if (i == 4) {
        tap(person, F15);
      }
      // Opened at 0; the jiggler's counted moves are its first two jiggles (30 s, 60 s): idle from 120 s on.
      assertThat(state(tracker, "jiggled")).as("jiggler at %d s", i * 30)
          .isEqualTo(i * 30 < 120 ? ActivityState.ACTIVE : ActivityState.CONNECTED_IDLE);
      assertThat(state(tracker, "person")).isEqualTo(ActivityState.ACTIVE);
    }
    assertThat(tracker.snapshot("jiggled").orElseThrow().inputCounts())
        .containsEntry(InputKind.POINTER_MOVE, 5L).containsEntry(InputKind.SYNTHETIC, 16L);
    assertThat(tracker.snapshot("person").orElseThrow().inputCounts())
        .containsEntry(InputKind.POINTER_MOVE, 11L).containsEntry(InputKind.KEY_PRESS, 1L)
        .containsEntry(InputKind.SYNTHETIC, 0L);
  }

  @Test
  void aKeyJigglerTurnsIdleToo() {
    ActivityTracker tracker = tracker(false);
    RfbActivityBridge jiggler = viewer(tracker, "tapped");
    for (int i = 0; i < 8; i++) {
      nanos.set(i * 59 * S);
      tap(jiggler, F15);
    }
    // Counted taps at 0 s and 59 s: idle from 119 s on.
    assertThat(state(tracker, "tapped")).isEqualTo(ActivityState.CONNECTED_IDLE);
    assertThat(tracker.snapshot("tapped").orElseThrow().inputCounts()).containsEntry(InputKind.KEY_PRESS, 2L)
        .containsEntry(InputKind.KEY_RELEASE, 2L).containsEntry(InputKind.SYNTHETIC, 12L);
  }

  @Test
  void countingSyntheticInputKeepsTheJigglerActive() {
    ActivityTracker tracker = tracker(true);
    RfbActivityBridge jiggler = viewer(tracker, "jiggled");
    move(jiggler, 500, 400);
    for (int i = 1; i <= 10; i++) {
      nanos.set(i * 30 * S);
      move(jiggler, 501, 400);
      move(jiggler, 500, 400);
      assertThat(state(tracker, "jiggled")).isEqualTo(ActivityState.ACTIVE);
    }
    assertThat(tracker.snapshot("jiggled").orElseThrow().lastInputKind()).isEqualTo(InputKind.SYNTHETIC);
  }
}
