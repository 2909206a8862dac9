package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rfbactivity.rfb.Wire.bytes;
import static org.rfbactivity.rfb.Wire.u16;
import static org.rfbactivity.rfb.Wire.u16le;
import static org.rfbactivity.rfb.Wire.u32;
import static org.rfbactivity.rfb.Wire.u8;
import static org.rfbactivity.rfb.Wire.zeros;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Huge lengths: declared lengths up to 2^31 − 1 (and the Extended Clipboard's −2^31), fed in chunks,
 * are skipped by a counter: no byte is retained (every delivered buffer keeps its reference count, the shared
 * body buffer is back to one reference at the end), and the stream is in sync right after the body.
 */
class HugeLengthProperties {

  private static final byte[] KEY_DOWN = bytes(u8(4), u8(1), zeros(2), u32(0x61));

  private static InspectorHarness messagePhase() {
    return new InspectorHarness(RfbInspectorConfig.builder().strict(true).build()).noneHandshake().mark();
  }

  @Property(tries = 30)
  void clipboardBodiesOfAnyDeclaredLengthAreSkipped(@ForAll int declaredLength,
      @ForAll @IntRange(min = 1, max = 8) int headerChunk,
      @ForAll @IntRange(min = 1 << 20, max = 1 << 22) int bodyChunk) {
    long body = declaredLength >= 0 ? declaredLength : -(long) declaredLength;
    Statistics.collect(body >= 1L << 30 ? "body >= 1 GiB" : body > 0 ? "body < 1 GiB" : "empty body");
    InspectorHarness h = messagePhase();
    // ClientCutText header: type, 3 padding, S32 length
    h.deliver(Direction.CLIENT_TO_SERVER, bytes(u8(6), zeros(3), u32(declaredLength)), headerChunk);
    h.withoutByteRecording();
    ByteBuf shared = Unpooled.directBuffer(bodyChunk).writeZero(bodyChunk);
    try {
      for (long left = body; left > 0; ) {
        int size = (int) Math.min(left, bodyChunk);
        h.forward(Direction.CLIENT_TO_SERVER, shared.retainedSlice(0, size));
        left -= size;
      }
      assertThat(shared.refCnt()).as("no body bytes retained").isEqualTo(1);
    } finally {
      shared.release();
    }
    h.deliver(Direction.CLIENT_TO_SERVER, KEY_DOWN, headerChunk);
    assertThat(h.eventsSinceMark()).containsExactly(
        "clipboard " + body + (declaredLength < 0 ? " extended" : ""), "input CLIPBOARD",
        "key down -1", "input KEY_PRESS");
    assertThat(h.inspector.counters().bytesFromClient()).isEqualTo(14 + 8 + body + 8);
    h.finish();
  }

  /**
   * KasmVNC's U32 data lengths (BinaryClipboard, UnixRelay) up to 2^32 − 1, after the dialect was announced
   * (docs/protocol.md#kasmvnc-client-messages).
   */
  @Property(tries = 20)
  void kasmDataOfAnyDeclaredLengthIsSkipped(@ForAll boolean relay,
      @ForAll @LongRange(min = 0, max = 0xFFFFFFFFL) long body,
      @ForAll @IntRange(min = 1, max = 8) int headerChunk,
      @ForAll @IntRange(min = 1 << 20, max = 1 << 22) int bodyChunk) {
    Statistics.collect(body >= 1L << 31 ? "body >= 2 GiB" : body > 0 ? "body < 2 GiB" : "empty body");
    InspectorHarness h = messagePhase();
    h.deliver(Direction.CLIENT_TO_SERVER, bytes(u8(2), u8(0), u16(1), u32(-1024)), headerChunk); // [Kasm WebP]
    byte[] header = relay
        ? bytes(u8(183), u8(3), Wire.ascii("abc"), u32(body))                      // UnixRelay, name, length
        : bytes(u8(180), u8(1), u8(10), Wire.ascii("text/plain"), u32(body));      // BinaryClipboard, 1 entry
    h.deliver(Direction.CLIENT_TO_SERVER, header, headerChunk);
    h.withoutByteRecording();
    ByteBuf shared = Unpooled.directBuffer(bodyChunk).writeZero(bodyChunk);
    try {
      for (long left = body; left > 0; ) {
        int size = (int) Math.min(left, bodyChunk);
        h.forward(Direction.CLIENT_TO_SERVER, shared.retainedSlice(0, size));
        left -= size;
      }
      assertThat(shared.refCnt()).as("no body bytes retained").isEqualTo(1);
    } finally {
      shared.release();
    }
    h.deliver(Direction.CLIENT_TO_SERVER, KEY_DOWN, headerChunk);
    List<String> expected = new ArrayList<>();
    if (!relay) {
      expected.addAll(List.of("clipboard " + body, "input CLIPBOARD"));
    }
    expected.addAll(List.of("key down -1", "input KEY_PRESS"));
    assertThat(h.eventsSinceMark()).containsExactlyElementsOf(expected);
    assertThat(h.inspector.counters().bytesFromClient()).isEqualTo(14 + 8 + header.length + body + 8);
    h.finish();
  }

  /** A message with the longest body its length field allows, and the events it must produce. */
  record Longest(String name, byte[] bytes, List<String> events) {
    @Override
    public String toString() {
      return name;
    }
  }

  @Provide
  Arbitrary<Longest> longestMessages() {
    byte[] encodings = new byte[4 + 65535 * 4];
    encodings[0] = 2;
    encodings[2] = (byte) 0xFF;
    encodings[3] = (byte) 0xFF;
    return Arbitraries.of(
        new Longest("SetEncodings, 65535 encodings (Raw)", encodings, List.of()),
        new Longest("gii device creation, BE, 65535",
            bytes(u8(253), u8(0x82), u16(65535), new byte[65535]), List.of()),
        new Longest("gii device creation, LE, 65535",
            bytes(u8(253), u8(0x02), u16le(65535), new byte[65535]), List.of()),
        new Longest("gii injection, LE, 65535 bytes of 12-byte button events and one of 15",
            giiButtonEvents(), Collections.nCopies(5461, "input POINTER_BUTTON")),
        new Longest("ClientFence with 255 bytes",
            bytes(u8(248), zeros(3), u32(0), u8(255), new byte[255]), List.of()),
        new Longest("SetDesktopSize with 255 screens",
            bytes(u8(251), u8(0), u16(1), u16(1), u8(255), u8(0), new byte[16 * 255]),
            List.of("desktopResize 1x1 screens=255", "input DESKTOP_RESIZE")),
        new Longest("TextChat at UltraVNC's maximum",
            bytes(u8(11), zeros(3), u32(4096), new byte[4096]), List.of()));
  }

  /** gii event injection (sub-type 0, little-endian) filling the EU16 length: 5460 × 12 + 1 × 15 = 65535. */
  private static byte[] giiButtonEvents() {
    byte[] message = new byte[4 + 65535];
    message[0] = (byte) 253;
    message[2] = (byte) 0xFF;
    message[3] = (byte) 0xFF;
    int at = 4;
    for (int i = 0; i < 5460; i++, at += 12) {
      message[at] = 12;    // event-size
      message[at + 1] = 10; // button press
    }
    message[at] = 15;
    message[at + 1] = 11; // button release, 3 bytes longer than usual
    return message;
  }

  /** Single-byte chunks are covered by {@link FragmentationProperties}; here 5+ keeps 260 KB bodies quick. */
  @Property(tries = 20)
  void theLongestBoundedBodiesAreSkippedInAnyChunking(@ForAll("longestMessages") Longest message,
      @ForAll @IntRange(min = 5, max = 70000) int chunk) {
    InspectorHarness h = messagePhase();
    h.deliver(Direction.CLIENT_TO_SERVER, message.bytes(), chunk);
    h.deliver(Direction.CLIENT_TO_SERVER, KEY_DOWN, chunk);
    List<String> expected = new ArrayList<>(message.events());
    expected.add("key down -1");
    expected.add("input KEY_PRESS");
    assertThat(h.eventsSinceMark()).containsExactlyElementsOf(expected);
    assertThat(h.inspector.counters().messages(message.bytes()[0] & 0xFF)).as("framed once").isEqualTo(1);
    h.finish();
  }
}
