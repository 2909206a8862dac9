package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.shinyhut.vernacular.client.VernacularClient;
import com.shinyhut.vernacular.client.VernacularConfig;
import com.shinyhut.vernacular.client.exceptions.VncException;
import com.shinyhut.vernacular.client.rendering.ColorDepth;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * A real TigerVNC Xvnc and the real Java client vernacular 1.14, connected through {@link LoopbackRelay} with the
 * inspector on the backend channel. vernacular writes every field with its own socket write (DataOutputStream on
 * the raw socket stream), so messages really arrive fragmented. What vernacular sends was read from its 1.14
 * classes: {@code moveMouse} and each button change send one PointerEvent with the current position and mask
 * ({@code 128 >> (7 - i)} for button i+1), {@code type(String)} sends KeyEvent down then up per character, and its
 * update loop sends FramebufferUpdateRequests only.
 *
 * <p>Skipped where Xvnc is missing, unless {@code RFBA_REQUIRE_E2E=1} (then it fails).
 */
class XvncVernacularTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void inputThroughANoneServerIsReportedExactly() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithoutAuth(640, 480, "rfba-desktop")) {
      Session session = new Session(xvnc, RfbInspectorConfig.defaults());
      try {
        session.awaitFirstFrame();
        session.client.moveMouse(100, 50);
        session.client.click(1);
        session.client.scrollUp();
        session.client.type("ab");
        List<String> expected = List.of(
            "pointer 0 100,50", "input POINTER_MOVE",
            "pointer 1 100,50", "input POINTER_BUTTON",
            "pointer 0 100,50", "input POINTER_BUTTON",
            "pointer 8 100,50", "input POINTER_WHEEL",
            "pointer 0 100,50", "input NOISE",
            "key down -1", "input KEY_PRESS", "key up -1", "input KEY_RELEASE",
            "key down -1", "input KEY_PRESS", "key up -1", "input KEY_RELEASE");
        await().atMost(WAIT).until(() -> session.inputEvents().size() >= expected.size());
        assertThat(session.inputEvents()).containsExactlyElementsOf(expected);
        assertThat(session.listener.events()).startsWith("handshake 3.8 None", "serverInit 640x480 'rfba-desktop'");
        assertThat(session.inspector.get().counters().inputs(InputKind.POINTER_BUTTON)).isEqualTo(2);
        assertThat(session.inspector.get().isBlind()).isFalse();
        session.assertNoClientErrors();
      } finally {
        session.client.stop();
      }
    }
  }

  @Test
  void inputThroughAVncAuthServerIsReportedExactly() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithVncAuth(800, 600, "secret12")) {
      Session session = new Session(xvnc, RfbInspectorConfig.builder().revealKeysyms(true).build());
      try {
        session.awaitFirstFrame();
        session.client.moveMouse(321, 123);
        session.client.updateMouseButton(3, true);
        session.client.updateMouseButton(3, false);
        session.client.type("z\n");
        List<String> expected = List.of(
            "pointer 0 321,123", "input POINTER_MOVE",
            "pointer 4 321,123", "input POINTER_BUTTON",
            "pointer 0 321,123", "input POINTER_BUTTON",
            "key down 122", "input KEY_PRESS", "key up 122", "input KEY_RELEASE",
            "key down 65293", "input KEY_PRESS", "key up 65293", "input KEY_RELEASE");
        await().atMost(WAIT).until(() -> session.inputEvents().size() >= expected.size());
        assertThat(session.inputEvents()).containsExactlyElementsOf(expected);
        HandshakeCompleted handshake = session.listener.handshakes().get(0);
        assertThat(handshake.securityType()).isEqualTo(SecurityType.of(2));
        assertThat(handshake.inspectable()).isTrue();
        assertThat(session.listener.serverInits().get(0).width()).isEqualTo(800);
        session.assertNoClientErrors();
      } finally {
        session.client.stop();
      }
    }
  }

  @Test
  void aClientThatOnlyWatchesAChangingScreenProducesNoInput() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithoutAuth(640, 480)) {
      xvnc.startX11Client("xclock", "-update", "1");
      Session session = new Session(xvnc, RfbInspectorConfig.defaults());
      try {
        session.awaitFirstFrame();
        RfbCounters counters = session.inspector.get().counters();
        long requestsBefore = counters.messages(3);
        long serverBytesBefore = counters.bytesFromServer();
        // Several seconds of frames (xclock redraws every second), and not one input event.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
            .until(() -> session.inputEvents().isEmpty());
        assertThat(counters.messages(3)).as("FramebufferUpdateRequests kept flowing")
            .isGreaterThanOrEqualTo(requestsBefore + 2);
        assertThat(counters.bytesFromServer()).as("frames kept arriving").isGreaterThan(serverBytesBefore);
        for (InputKind kind : InputKind.values()) {
          assertThat(counters.inputs(kind)).as("%s", kind).isZero();
        }
        session.assertNoClientErrors();
      } finally {
        session.client.stop();
      }
    }
  }

  /** One vernacular client connected to Xvnc through the relay. */
  private static final class Session {
    final RecordingListener listener = new RecordingListener();
    final AtomicReference<RfbInspector> inspector = new AtomicReference<>();
    final VernacularClient client;
    private final AtomicInteger frames = new AtomicInteger();
    private final List<VncException> errors = new CopyOnWriteArrayList<>();

    Session(XvncServer xvnc, RfbInspectorConfig config) throws InterruptedException {
      LoopbackRelay relay = new LoopbackRelay(xvnc.port(), () -> {
        RfbInspector created = new RfbInspector(config, listener);
        inspector.set(created);
        return created;
      });
      VernacularConfig vernacular = new VernacularConfig();
      vernacular.setColorDepth(ColorDepth.BPP_24_TRUE);
      if (xvnc.password() != null) {
        vernacular.setPasswordSupplier(xvnc::password);
      }
      vernacular.setErrorListener(errors::add);
      vernacular.setScreenUpdateListener(image -> frames.incrementAndGet());
      client = new VernacularClient(vernacular) {
        @Override
        public void stop() {
          super.stop();
          relay.close();
        }
      };
      client.start("127.0.0.1", relay.port());
    }

    void awaitFirstFrame() {
      await().atMost(WAIT).until(() -> frames.get() > 0 && !listener.serverInits().isEmpty());
    }

    /** The input-related events: detail callbacks and classifications, in order. */
    List<String> inputEvents() {
      return listener.events().stream()
          .filter(e -> e.startsWith("pointer ") || e.startsWith("key ") || e.startsWith("input ")).toList();
    }

    void assertNoClientErrors() {
      assertThat(errors).isEmpty();
    }
  }
}
