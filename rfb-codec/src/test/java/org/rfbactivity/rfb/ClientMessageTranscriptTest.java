package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static org.rfbactivity.rfb.Wire.ascii;
import static org.rfbactivity.rfb.Wire.bytes;
import static org.rfbactivity.rfb.Wire.filler;
import static org.rfbactivity.rfb.Wire.pixelFormat32;
import static org.rfbactivity.rfb.Wire.serverInit;
import static org.rfbactivity.rfb.Wire.u16;
import static org.rfbactivity.rfb.Wire.u16le;
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
 * Every client→server message type after ClientInit (docs/protocol.md#framing), framed and classified, as annotated
 * byte fixtures. Each test starts after a 3.8 None handshake (14 client bytes, so the first message is at client offset
 * 14) and ends with a KeyEvent where the stream must still be in sync.
 */
class ClientMessageTranscriptTest {

  /** KeyEvent: type 4, down-flag, 2 padding, keysym. */
  private static byte[] key(boolean down, int keysym) {
    return bytes(u8(4), u8(down ? 1 : 0), zeros(2), u32(keysym));
  }

  /** PointerEvent: type 5, button-mask, x, y. */
  private static byte[] pointer(int mask, int x, int y) {
    return bytes(u8(5), u8(mask), u16(x), u16(y));
  }

  private static final String[] SYNC = {"key down -1", "input KEY_PRESS"};

  private InspectorHarness h = new InspectorHarness();

  private void messagePhase() {
    h.noneHandshake();
    h.server(serverInit("x11"));        // ServerInit
    h.mark();
  }

  private void assertInSync(String... events) {
    h.client(key(true, 0x61));
    String[] expected = new String[events.length + SYNC.length];
    System.arraycopy(events, 0, expected, 0, events.length);
    System.arraycopy(SYNC, 0, expected, events.length, SYNC.length);
    assertThat(h.eventsSinceMark()).containsExactly(expected);
  }

  @AfterEach
  void finish() {
    h.finish();
  }

  @Test
  void setPixelFormat() {
    messagePhase();
    h.client(u8(0),                     // SetPixelFormat
        zeros(3),                       // padding
        pixelFormat32());               // PIXEL_FORMAT
    assertInSync();
    assertThat(h.inspector.counters().messages(0)).isEqualTo(1);
  }

  @Test
  void setEncodings() {
    messagePhase();
    h.client(u8(2),                     // SetEncodings
        u8(0),                          // padding
        u16(4),                         // number-of-encodings
        u32(0),                         // Raw
        u32(16),                        // ZRLE
        u32(-239),                      // Cursor pseudo-encoding
        u32(-223));                     // DesktopSize pseudo-encoding
    assertInSync();
    assertThat(h.inspector.counters().messages(2)).isEqualTo(1);
  }

  @Test
  void framebufferUpdateRequest() {
    messagePhase();
    h.client(u8(3),                     // FramebufferUpdateRequest
        u8(1),                          // incremental
        u16(0), u16(0),                 // x, y
        u16(1024), u16(768));           // width, height
    assertInSync();
    assertThat(h.inspector.counters().messages(3)).isEqualTo(1);
  }

  @Test
  void keyEventsPressReleaseAndKeepAlive() {
    messagePhase();
    h.client(u8(4), u8(1), zeros(2), u32(0xFFE1)); // KeyEvent: down, padding, Shift_L
    h.client(u8(4), u8(0), zeros(2), u32(0xFFE1)); // KeyEvent: up
    h.client(u8(4), u8(1), zeros(2), u32(1));      // KeyEvent keysym 1: KasmVNC keep-alive
    assertInSync("key down -1", "input KEY_PRESS", "key up -1", "input KEY_RELEASE", "key down -1", "input NOISE");
    assertThat(h.inspector.counters().inputs(InputKind.KEY_PRESS)).isEqualTo(2);
    assertThat(h.inspector.counters().inputs(InputKind.NOISE)).isEqualTo(1);
    assertThat(h.inspector.counters().messages(4)).isEqualTo(4);
  }

  @Test
  void keysymsAreRevealedOnlyWhenConfigured() {
    h = new InspectorHarness(RfbInspectorConfig.builder().revealKeysyms(true).build());
    messagePhase();
    h.client(u8(4), u8(1), zeros(2), u32(0x61)); // KeyEvent: down 'a'
    assertThat(h.eventsSinceMark()).containsExactly("key down 97", "input KEY_PRESS");
  }

  @Test
  void pointerClassification() {
    messagePhase();
    h.client(pointer(0, 100, 50));      // first event, no buttons: a move
    h.client(pointer(0, 101, 50));      // moved
    h.client(pointer(1, 101, 50));      // left button down
    h.client(pointer(1, 101, 50));      // identical: noise
    h.client(pointer(1, 140, 60));      // drag: moved with the button held
    h.client(pointer(0, 140, 60));      // left button up
    h.client(pointer(8, 140, 60));      // wheel up (button 4) pressed
    h.client(pointer(0, 140, 60));      // wheel up released in place: second half of the notch
    h.client(pointer(16, 141, 60));     // wheel down pressed while moving: wheel wins over move
    h.client(pointer(0, 141, 60));      // released
    h.client(pointer(4 | 8, 141, 60));  // right button and wheel together: button wins
    h.client(pointer(0x80, 141, 60));   // without −316, bit 7 is button 8 (back): 6 bytes
    assertInSync(
        "pointer 0 100,50", "input POINTER_MOVE",
        "pointer 0 101,50", "input POINTER_MOVE",
        "pointer 1 101,50", "input POINTER_BUTTON",
        "pointer 1 101,50", "input NOISE",
        "pointer 1 140,60", "input POINTER_MOVE",
        "pointer 0 140,60", "input POINTER_BUTTON",
        "pointer 8 140,60", "input POINTER_WHEEL",
        "pointer 0 140,60", "input NOISE",
        "pointer 16 141,60", "input POINTER_WHEEL",
        "pointer 0 141,60", "input NOISE",
        "pointer 12 141,60", "input POINTER_BUTTON",
        "pointer 128 141,60", "input POINTER_BUTTON");
    assertThat(h.inspector.counters().messages(5)).isEqualTo(12);
  }

  @Test
  void pointerIsSevenBytesOnlyWithExtendedMouseButtonsAndBit7() {
    messagePhase();
    h.client(u8(2), u8(0), u16(2),      // SetEncodings, 2 encodings
        u32(0),                         // Raw
        u32(-316));                     // ExtendedMouseButtons
    h.client(u8(5),                     // PointerEvent
        u8(0x80 | 0x01),                // mask: bit 7 = extended marker, left button
        u16(10), u16(20),               // x, y
        u8(0x01));                      // extra mask: back (button 8)
    h.client(u8(5), u8(0x01), u16(10), u16(20)); // bit 7 clear: 6 bytes even with −316
    h.client(u8(2), u8(0), u16(1), u32(0)); // SetEncodings without −316 replaces the set
    h.client(u8(5), u8(0x80), u16(10), u16(20)); // 6 bytes again: bit 7 is button 8
    assertInSync(
        "pointer 129 10,20", "input POINTER_BUTTON",
        "pointer 1 10,20", "input POINTER_BUTTON",
        "pointer 128 10,20", "input POINTER_BUTTON");
  }

  @Test
  void anEmptySetEncodingsTurnsExtendedMouseButtonsOffAgain() {
    messagePhase();
    h.client(u8(2), u8(0), u16(1),      // SetEncodings, 1 encoding
        u32(-316));                     // ExtendedMouseButtons
    h.client(u8(2), u8(0), u16(0));     // SetEncodings with no encodings at all: the set is now empty
    h.client(u8(5), u8(0x80), u16(3), u16(4)); // 6 bytes: bit 7 is button 8 again
    assertInSync("pointer 128 3,4", "input POINTER_BUTTON");
    assertThat(h.inspector.counters().messages(2)).isEqualTo(2);
  }

  @Test
  void relativePointerMotionCountsRepeatedMoves() {
    messagePhase();
    h.client(u8(2), u8(0), u16(1),      // SetEncodings, 1 encoding
        u32(-257));                     // QEMU Pointer Motion Change: coordinates are motion offset by 0x7FFF
    h.client(pointer(0, 0x7FFF + 3, 0x7FFF)); // 3 right
    h.client(pointer(0, 0x7FFF + 3, 0x7FFF)); // 3 right again: identical bytes, a real move
    h.client(pointer(0, 0x7FFF, 0x7FFF - 1)); // 1 up
    h.client(pointer(0, 0x7FFF, 0x7FFF));     // no motion, no change: noise
    h.client(pointer(1, 0x7FFF, 0x7FFF));     // left button down without motion
    h.client(pointer(8, 0x7FFF, 0x7FFF));     // wheel up pressed (left released): the button wins
    h.client(pointer(0, 0x7FFF, 0x7FFF));     // wheel released without motion: second half of the notch
    h.client(u8(2), u8(0), u16(1), u32(0));   // SetEncodings [Raw]: −257 is no longer listed
    h.client(pointer(0, 0x7FFF, 0x7FFF));     // absolute again: identical to the previous event, noise
    assertInSync(
        "pointer 0 32770,32767", "input POINTER_MOVE",
        "pointer 0 32770,32767", "input POINTER_MOVE",
        "pointer 0 32767,32766", "input POINTER_MOVE",
        "pointer 0 32767,32767", "input NOISE",
        "pointer 1 32767,32767", "input POINTER_BUTTON",
        "pointer 8 32767,32767", "input POINTER_BUTTON",
        "pointer 0 32767,32767", "input NOISE",
        "pointer 0 32767,32767", "input NOISE");
    assertThat(h.inspector.counters().inputs(InputKind.POINTER_MOVE)).isEqualTo(3);
  }

  @Test
  void absolutePointerRepeatsStayNoiseWithoutRelativeMotion() {
    messagePhase();
    h.client(u8(2), u8(0), u16(2),      // SetEncodings, 2 encodings
        u32(-258), u32(-316));          // QEMU Extended Key Event, ExtendedMouseButtons: no −257
    h.client(pointer(0, 0x7FFF + 3, 0x7FFF)); // a move
    h.client(pointer(0, 0x7FFF + 3, 0x7FFF)); // identical: noise
    assertInSync("pointer 0 32770,32767", "input POINTER_MOVE", "pointer 0 32770,32767", "input NOISE");
  }

  @Test
  void giiDeviceDestructionInBothByteOrdersAndEmptyInjection() {
    messagePhase();
    h.client(u8(253), u8(0x80 | 3), u16(4), u32(7));   // gii BE, sub-type 3 destruction, length 4, origin
    h.client(u8(253), u8(3), u16le(4), Wire.u32le(7)); // gii LE, the same
    h.client(u8(253), u8(0x80), u16(0));              // gii BE event injection with no events
    assertInSync();
    assertThat(h.inspector.counters().messages(253)).isEqualTo(3);
  }

  @Test
  void textChatControlCodesAndEmptyTextAndDesktopSizeWithoutScreens() {
    messagePhase();
    h.client(u8(11), zeros(3), u32(0));                // TextChat, length 0
    h.client(u8(11), zeros(3), u32(0xFFFFFFFEL));      // rfbTextChatClose: no text
    h.client(u8(11), zeros(3), u32(0xFFFFFFFDL));      // rfbTextChatFinished: no text
    h.client(u8(251), u8(0), u16(640), u16(480),       // SetDesktopSize 640x480
        u8(0), u8(0));                                 // number-of-screens 0, padding
    assertInSync("desktopResize 640x480 screens=0", "input DESKTOP_RESIZE");
  }

  @Test
  void clientCutTextPlainAndExtended() {
    messagePhase();
    h.client(u8(6),                     // ClientCutText
        zeros(3),                       // padding
        u32(5),                         // length
        ascii("hello"));                // text (skipped, never read)
    h.client(u8(6),                     // ClientCutText
        zeros(3),                       // padding
        u32(-12),                       // negative length: Extended Clipboard, 12 bytes follow
        u32(1 << 28 | 1),               // flags: provide, text
        filler(8));                     // zlib stream (skipped)
    assertInSync("clipboard 5", "input CLIPBOARD", "clipboard 12 extended", "input CLIPBOARD");
  }

  @Test
  void ultraVncFixedSizeMessagesAndTextChat() {
    messagePhase();
    h.client(u8(8), u8(2), zeros(2));   // SetScale: scale 2, padding
    h.client(u8(9), u8(1), zeros(2));   // SetServerInput: block local input
    h.client(u8(10), u8(1), u16(5), u16(6)); // SetSW: status, x, y
    h.client(u8(11), zeros(3),          // TextChat: padding
        u32(0xFFFFFFFFL));              // length = rfbTextChatOpen (no text)
    h.client(u8(11), zeros(3),          // TextChat: padding
        u32(3), ascii("hi!"));          // length + text
    h.client(u8(13));                   // KeepAlive
    h.client(u8(15), u8(1), zeros(2));  // PalmVNC SetScaleFactor
    assertInSync("input NOISE");
    for (int type : new int[] {8, 9, 10, 13, 15}) {
      assertThat(h.inspector.counters().messages(type)).as("type %d", type).isEqualTo(1);
    }
    assertThat(h.inspector.counters().messages(11)).isEqualTo(2);
  }

  @Test
  void continuousUpdatesFenceAndXvp() {
    messagePhase();
    h.client(u8(150),                   // EnableContinuousUpdates
        u8(1),                          // enable
        u16(0), u16(0), u16(800), u16(600)); // x, y, width, height
    h.client(u8(248),                   // ClientFence
        zeros(3),                       // padding
        u32(0x80000002L),               // flags: request | block-before
        u8(6),                          // length
        filler(6));                     // payload
    h.client(u8(250),                   // xvp
        u8(0),                          // padding
        u8(1),                          // xvp-extension-version
        u8(2));                         // message-code: shutdown
    assertInSync();
    assertThat(h.inspector.counters().messages(248)).isEqualTo(1);
  }

  @Test
  void setDesktopSizeWithSeveralScreens() {
    messagePhase();
    h.client(u8(251),                   // SetDesktopSize
        u8(0),                          // padding
        u16(1920), u16(1080),           // width, height
        u8(2),                          // number-of-screens
        u8(0),                          // padding
        u32(1), u16(0), u16(0), u16(960), u16(1080), u32(0),    // screen 1: id, x, y, w, h, flags
        u32(2), u16(960), u16(0), u16(960), u16(1080), u32(0)); // screen 2
    assertInSync("desktopResize 1920x1080 screens=2", "input DESKTOP_RESIZE");
  }

  @Test
  void giiBigEndian() {
    messagePhase();
    h.client(u8(253),                   // gii
        u8(0x80 | 1),                   // big-endian flag | sub-type 1 (version)
        u16(2),                         // length (EU16, big-endian)
        u16(1));                        // version 1
    h.client(u8(253),                   // gii
        u8(0x80),                       // big-endian | sub-type 0 (event injection)
        u16(48),                        // length of the events
        u8(24), u8(5), filler(22),      // key press event: size 24, type 5
        u8(24), u8(9), filler(22));     // absolute pointer move: size 24, type 9
    assertInSync("input KEY_PRESS", "input POINTER_MOVE");
    assertThat(h.inspector.counters().messages(253)).isEqualTo(2);
  }

  @Test
  void giiLittleEndian() {
    messagePhase();
    h.client(u8(253),                   // gii
        u8(2),                          // little-endian | sub-type 2 (device creation)
        u16le(56),                      // length 56 (no valuators), little-endian
        filler(56));                    // device description
    h.client(u8(253),                   // gii
        u8(0),                          // little-endian | sub-type 0 (event injection)
        u16le(12 + 24 + 24),            // length
        u8(12), u8(10), filler(10),     // button press: size 12, type 10
        u8(24), u8(6), filler(22),      // key release: size 24, type 6
        u8(24), u8(7), filler(22));     // key repeat: size 24, type 7
    assertInSync("input POINTER_BUTTON", "input KEY_RELEASE", "input KEY_PRESS");
  }

  @Test
  void qemuExtendedKeyAndAudio() {
    messagePhase();
    h.client(u8(255),                   // QEMU
        u8(0),                          // sub-type 0: ExtendedKeyEvent
        u16(1),                         // down
        u32(0x61),                      // keysym
        u32(0x1e));                     // XT keycode
    h.client(u8(255), u8(0), u16(0), u32(0x61), u32(0x1e)); // the same key up
    h.client(u8(255), u8(1), u16(0));   // Audio: enable
    h.client(u8(255), u8(1), u16(2),    // Audio: set format
        u8(3), u8(2), u32(44100));      // format, channels, frequency
    h.client(u8(255), u8(1), u16(1));   // Audio: disable
    assertInSync("key down -1", "input KEY_PRESS", "key up -1", "input KEY_RELEASE");
    assertThat(h.inspector.counters().messages(255)).isEqualTo(5);
  }

  @Test
  void everyMessageSplitIntoSingleBytesYieldsTheSameEvents() {
    messagePhase();
    byte[] stream = bytes(
        u8(2), u8(0), u16(1), u32(-316),         // SetEncodings [−316]
        u8(5), u8(0x81), u16(7), u16(8), u8(2),  // 7-byte PointerEvent, forward button
        u8(6), zeros(3), u32(3), ascii("abc"),   // ClientCutText
        u8(253), u8(0), u16le(12), u8(12), u8(11), filler(10), // gii button release
        u8(255), u8(0), u16(1), u32(0x62), u32(0x30),          // QEMU key down
        u8(251), u8(0), u16(800), u16(600), u8(1), u8(0), filler(16)); // SetDesktopSize
    h.deliver(Direction.CLIENT_TO_SERVER, stream, 1);
    assertInSync("pointer 257 7,8", "input POINTER_BUTTON", "clipboard 3", "input CLIPBOARD",
        "input POINTER_BUTTON", "key down -1", "input KEY_PRESS", "desktopResize 800x600 screens=1",
        "input DESKTOP_RESIZE");
  }

  @Test
  void unknownMessageTypeIsBlind() {
    messagePhase();
    h.client(key(true, 0x61));          // offset 14..21
    h.client(u8(99), filler(7));        // unknown type at offset 22
    h.client(key(true, 0x62));          // no longer interpreted
    assertThat(h.eventsSinceMark()).containsExactly("key down -1", "input KEY_PRESS",
        "lost CLIENT_TO_SERVER UNKNOWN_MESSAGE_TYPE @22");
    assertThat(h.inspector.isBlind()).isTrue();
    assertThat(h.inspector.counters().bytesFromClient()).isEqualTo(14 + 8 + 8 + 8);
  }

  static Stream<Arguments> unframeableMessages() {
    return Stream.of(
        arguments("UltraVNC FileTransfer", bytes(u8(7), u8(1), u16(0), u32(0), u32(9))),
        arguments("TightVNC 2 / KasmVNC 252", bytes(u8(252), u8(0), u8(1), u8(2))),
        arguments("SetMonitor or VMware 254", bytes(u8(254), u8(1), zeros(2))),
        arguments("NotifyPluginStreaming", bytes(u8(0x50), zeros(3))),
        arguments("FixColourMapEntries", bytes(u8(1), u8(0), u16(0), u16(1))),
        arguments("QEMU unknown sub-type", bytes(u8(255), u8(2), zeros(10))),
        arguments("QEMU audio unknown operation", bytes(u8(255), u8(1), u16(3))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unframeableMessages")
  void unframeableMessagesAreBlind(String name, byte[] message) {
    messagePhase();
    h.client(message);
    h.client(key(true, 0x61));
    assertThat(h.eventsSinceMark()).containsExactly("lost CLIENT_TO_SERVER UNFRAMEABLE_MESSAGE @14");
  }

  @Test
  void oversizedTextChatIsImplausible() {
    messagePhase();
    h.client(u8(11), zeros(3), u32(5000), filler(20)); // TextChat longer than UltraVNC's 4096
    assertThat(h.eventsSinceMark()).containsExactly("lost CLIENT_TO_SERVER IMPLAUSIBLE_LENGTH @14");
  }

  @Test
  void giiEventLargerThanItsMessageIsImplausible() {
    messagePhase();
    h.client(u8(253), u8(0x80), u16(12), // gii injection of 12 bytes (offset 14)
        u8(24), u8(5), filler(10));      // an event claiming 24 bytes (offset 18)
    assertThat(h.eventsSinceMark()).containsExactly("lost CLIENT_TO_SERVER IMPLAUSIBLE_LENGTH @18");
  }
}
