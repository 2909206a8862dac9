package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.rfbactivity.rfb.Wire.ascii;
import static org.rfbactivity.rfb.Wire.bytes;
import static org.rfbactivity.rfb.Wire.filler;
import static org.rfbactivity.rfb.Wire.serverInit;
import static org.rfbactivity.rfb.Wire.u16;
import static org.rfbactivity.rfb.Wire.u32;
import static org.rfbactivity.rfb.Wire.u8;
import static org.rfbactivity.rfb.Wire.zeros;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KasmVNC's dialect (docs/protocol.md#kasmvnc-dialect), as its web client writes it and its server reads it
 * (docs/protocol.md#kasmvnc-client-messages). Each test starts after a 3.8 None handshake (client offset 14) and a
 * SetEncodings that announces the dialect (12 bytes, so the first Kasm message is at client offset 26), and ends
 * with a KeyEvent where the stream must still be in sync.
 */
class KasmVncTranscriptTest {

  private static final String[] SYNC = {"key down -1", "input KEY_PRESS"};

  private InspectorHarness h = new InspectorHarness();

  /** KasmVNC PointerEvent: type 5, U16 mask, U16 x, U16 y, S16 scroll x, S16 scroll y. */
  private static byte[] pointer(int mask, int x, int y, int scrollX, int scrollY) {
    return bytes(u8(5), u16(mask), u16(x), u16(y), u16(scrollX), u16(scrollY));
  }

  /** KasmVNC DirectMouseEvent: type 188, U8 buttons, S16 dx, S16 dy, S16 scroll x, S16 scroll y. */
  private static byte[] directMouse(int buttons, int dx, int dy, int scrollX, int scrollY) {
    return bytes(u8(188), u8(buttons), u16(dx), u16(dy), u16(scrollX), u16(scrollY));
  }

  private void kasmPhase() {
    h.noneHandshake();
    h.server(serverInit("kasm"));       // ServerInit
    h.client(u8(2), u8(0), u16(2),      // SetEncodings, 2 encodings (offset 14)
        u32(7),                         // Tight
        u32(-1885));                    // KasmVNC DisconnectNotify: the dialect is announced
    h.mark();
  }

  private void assertInSync(String... events) {
    h.client(u8(4), u8(1), zeros(2), u32(0x61)); // KeyEvent: down 'a'
    String[] expected = new String[events.length + SYNC.length];
    System.arraycopy(events, 0, expected, 0, events.length);
    System.arraycopy(SYNC, 0, expected, events.length, SYNC.length);
    assertThat(h.eventsSinceMark()).containsExactly(expected);
    assertThat(h.inspector.isBlind()).isFalse();
  }

  @AfterEach
  void finish() {
    h.finish();
  }

  @Test
  void pointerEventIsElevenBytesAndScrollIsTheWheel() {
    kasmPhase();
    h.client(pointer(0, 100, 50, 0, 0));    // first event: a move
    h.client(pointer(0, 100, 50, 0, 0));    // identical: noise
    h.client(pointer(1, 100, 50, 0, 0));    // left button down
    h.client(pointer(1, 180, 90, 0, 0));    // drag
    h.client(pointer(0, 180, 90, 0, 0));    // left button up
    h.client(pointer(0, 180, 90, 0, -120)); // scroll up in place: the wheel
    h.client(pointer(0, 181, 90, 40, 0));   // scroll right while moving: the wheel wins
    h.client(pointer(0x100, 181, 90, 0, 0)); // bit 8 of the 16-bit mask (forward): a button
    assertInSync(
        "pointer 0 100,50", "input POINTER_MOVE",
        "pointer 0 100,50", "input NOISE",
        "pointer 1 100,50", "input POINTER_BUTTON",
        "pointer 1 180,90", "input POINTER_MOVE",
        "pointer 0 180,90", "input POINTER_BUTTON",
        "pointer 0 180,90", "input POINTER_WHEEL",
        "pointer 0 181,90", "input POINTER_WHEEL",
        "pointer 256 181,90", "input POINTER_BUTTON");
    assertThat(h.inspector.counters().messages(5)).isEqualTo(8);
  }

  @Test
  void directMouseIsRelative() {
    kasmPhase();
    h.client(directMouse(0, 5, -3, 0, 0));   // relative motion
    h.client(directMouse(0, 5, -3, 0, 0));   // the same motion again: another move
    h.client(directMouse(0, 0, 0, 0, 0));    // no motion, no change: noise
    h.client(directMouse(4, 0, 0, 0, 0));    // right button down
    h.client(directMouse(4, 0, 0, 0, 3));    // scroll down
    h.client(directMouse(0, 0, 0, 0, 0));    // right button up
    assertInSync(
        "pointer 0 5,-3", "input POINTER_MOVE",
        "pointer 0 5,-3", "input POINTER_MOVE",
        "pointer 0 0,0", "input NOISE",
        "pointer 4 0,0", "input POINTER_BUTTON",
        "pointer 4 0,0", "input POINTER_WHEEL",
        "pointer 0 0,0", "input POINTER_BUTTON");
    assertThat(h.inspector.counters().messages(188)).isEqualTo(6);
  }

  @Test
  void keepAliveIsNoiseInBothForms() {
    kasmPhase();
    h.client(u8(185));                           // KeepAlive: the type byte alone
    h.client(u8(4), u8(1), zeros(2), u32(1));    // KeyEvent with keysym 1, the older keep-alive
    assertInSync("input NOISE", "key down -1", "input NOISE");
    assertThat(h.inspector.counters().inputs(InputKind.NOISE)).isEqualTo(2);
    assertThat(h.inspector.counters().messages(185)).isEqualTo(1);
  }

  @Test
  void binaryClipboardIsOneClipboardInputWithItsDataLength() {
    kasmPhase();
    h.client(u8(180),                   // BinaryClipboard
        u8(2),                          // two entries
        u8(10), ascii("text/plain"),    // mime length, mime
        u32(5), ascii("hello"),         // data length, data (skipped, never read)
        u8(9), ascii("image/png"),      // mime length, mime
        u32(300), filler(300));         // data length, data
    h.client(u8(180), u8(0));           // BinaryClipboard with no entries
    h.client(u8(180), u8(1),            // one entry
        u8(0),                          // empty mime
        u32(0));                        // empty data
    assertInSync("clipboard 305", "input CLIPBOARD", "clipboard 0", "input CLIPBOARD", "clipboard 0",
        "input CLIPBOARD");
    assertThat(h.inspector.counters().messages(180)).isEqualTo(3);
  }

  @Test
  void messagesWithoutHumanInputAreFramedAndNotCounted() {
    kasmPhase();
    h.client(u8(178), zeros(3));        // RequestStats: 3 padding
    h.client(u8(179), zeros(3),         // FrameStats: 3 padding
        u32(16), u32(9));               // all ms, render ms
    h.client(u8(181), u16(6),           // UpgradeToUdp: payload length
        ascii("offer!"));               // payload
    h.client(u8(181), u16(0));          // UpgradeToUdp with no payload: downgrade
    h.client(u8(182), u8(7),            // SubscribeUnixRelay: name length
        ascii("printer"));              // name
    h.client(u8(183), u8(7),            // UnixRelay: name length
        ascii("printer"),               // name
        u32(4), filler(4));             // data length, data
    h.client(u8(183), u8(63),           // UnixRelay with the longest name the server reads a length after
        filler(63), u32(0));            // name, data length 0
    h.client(u8(252), u16(1920), u16(1080)); // SetMaxVideoResolution: width, height
    assertInSync();
    for (int type : new int[] {178, 179, 182, 252}) {
      assertThat(h.inspector.counters().messages(type)).as("type %d", type).isEqualTo(1);
    }
    assertThat(h.inspector.counters().messages(181)).isEqualTo(2);
    assertThat(h.inspector.counters().messages(183)).isEqualTo(2);
    assertThat(h.inspector.counters().inputs(InputKind.NOISE)).isZero();
  }

  @Test
  void standardMessagesKeepTheirFraming() {
    kasmPhase();
    h.client(u8(3), u8(1), u16(0), u16(0), u16(1280), u16(720)); // FramebufferUpdateRequest
    h.client(u8(248), zeros(3), u32(0x80000001L), u8(2), filler(2)); // ClientFence with 2 bytes payload
    h.client(u8(6), zeros(3), u32(-8), u32(1 << 28 | 1), filler(4)); // extended ClientCutText
    h.client(u8(255), u8(0), u16(1), u32(0x61), u32(0x1e)); // QEMU ExtendedKeyEvent down
    h.client(u8(251), u8(0), u16(1280), u16(720), u8(0), u8(0)); // SetDesktopSize, no screens
    assertInSync("clipboard 8 extended", "input CLIPBOARD", "key down -1", "input KEY_PRESS",
        "desktopResize 1280x720 screens=0", "input DESKTOP_RESIZE");
  }

  @Test
  void theDialectStaysWhenALaterSetEncodingsListsNoKasmEncoding() {
    kasmPhase();
    h.client(u8(2), u8(0), u16(1), u32(0)); // SetEncodings [Raw]: the server still speaks KasmVNC
    h.client(pointer(2, 3, 4, 0, 0));       // still 11 bytes
    assertInSync("pointer 2 3,4", "input POINTER_BUTTON");
  }

  @Test
  void kasmRangeIsInclusiveAtBothEndsAndNothingOutsideAnnouncesIt() {
    for (int encoding : new int[] {-2048, -770}) {
      h = new InspectorHarness();
      h.noneHandshake();
      h.server(serverInit("kasm"));
      h.client(u8(2), u8(0), u16(1), u32(encoding)); // SetEncodings [encoding]
      h.mark();
      h.client(pointer(1, 7, 8, 0, 0));     // 11 bytes
      assertInSync("pointer 1 7,8", "input POINTER_BUTTON");
      h.finish();
    }
    h = new InspectorHarness();
    h.noneHandshake();
    h.server(serverInit("x"));
    h.client(u8(2), u8(0), u16(2), u32(-2049), u32(-769)); // just outside KasmVNC's range on both sides
    h.mark();
    h.client(u8(5), u8(1), u16(7), u16(8)); // a standard 6-byte PointerEvent
    assertInSync("pointer 1 7,8", "input POINTER_BUTTON");
  }

  @Test
  void kasmTypesAreUnknownWithoutTheDialect() {
    h.noneHandshake();
    h.server(serverInit("x"));
    h.mark();
    h.client(u8(185));                  // KeepAlive from a client that never announced the dialect (offset 14)
    assertThat(h.eventsSinceMark()).containsExactly("lost CLIENT_TO_SERVER UNKNOWN_MESSAGE_TYPE @14");
  }

  static Stream<Arguments> unframedKasmTypes() {
    return Stream.of(
        arguments(184, "KeepAlive in older KasmVNC, VideoEncoders in newer: ambiguous"),
        arguments(186, "ServerDisconnect: server to client only"),
        arguments(187, "ForceGameMode in one version, WebRTC signalling in another"),
        arguments(189, "undefined"),
        arguments(190, "WebRTC signalling in an unreleased branch only"),
        arguments(191, "undefined"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("unframedKasmTypes")
  void kasmTypesWithoutAStableLayoutAreBlind(int type, String why) {
    kasmPhase();
    h.client(u8(type), filler(9));      // at offset 26
    h.client(u8(4), u8(1), zeros(2), u32(0x61)); // no longer interpreted
    assertThat(h.eventsSinceMark()).containsExactly("lost CLIENT_TO_SERVER KASMVNC_DIALECT @26");
  }

  @Test
  void typesOutsideKasmRangeThatNobodyDefinesStayUnknown() {
    kasmPhase();
    h.client(u8(192), filler(5));       // beyond KasmVNC's range (offset 26)
    assertThat(h.eventsSinceMark()).containsExactly("lost CLIENT_TO_SERVER UNKNOWN_MESSAGE_TYPE @26");
  }

  @Test
  void unixRelayNameTheServerWouldNotReadALengthAfterIsImplausible() {
    kasmPhase();
    h.client(u8(183), u8(64), filler(64), u32(1), filler(1)); // name of 64 bytes (offset 26)
    assertThat(h.eventsSinceMark()).containsExactly("lost CLIENT_TO_SERVER IMPLAUSIBLE_LENGTH @26");
  }

  @Test
  void everyKasmMessageSplitIntoSingleBytesYieldsTheSameEvents() {
    kasmPhase();
    byte[] stream = bytes(
        pointer(1, 10, 20, 0, 0),                                   // button down
        directMouse(1, -2, 0, 0, 0),                                // relative drag
        u8(180), u8(1), u8(4), ascii("text"), u32(3), ascii("abc"), // BinaryClipboard, one entry
        u8(183), u8(1), ascii("p"), u32(2), filler(2),              // UnixRelay
        u8(185),                                                    // KeepAlive
        u8(179), zeros(3), u32(1), u32(2),                          // FrameStats
        u8(252), u16(800), u16(600));                               // SetMaxVideoResolution
    h.deliver(Direction.CLIENT_TO_SERVER, stream, 1);
    assertInSync("pointer 1 10,20", "input POINTER_BUTTON", "pointer 1 -2,0", "input POINTER_MOVE",
        "clipboard 3", "input CLIPBOARD", "input NOISE");
  }
}
