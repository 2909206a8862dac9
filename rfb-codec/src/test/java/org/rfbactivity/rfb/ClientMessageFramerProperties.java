package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rfbactivity.rfb.Wire.ascii;
import static org.rfbactivity.rfb.Wire.bytes;
import static org.rfbactivity.rfb.Wire.filler;
import static org.rfbactivity.rfb.Wire.serverInit;
import static org.rfbactivity.rfb.Wire.u16;
import static org.rfbactivity.rfb.Wire.u32;
import static org.rfbactivity.rfb.Wire.u8;
import static org.rfbactivity.rfb.Wire.zeros;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The message boundaries a {@link ClientMessageFramer} reports (docs/protocol.md#message-boundaries): for generated
 * connections, in every fragmentation (1-byte chunks included), the handshake's end and then exactly one boundary per
 * generated client message, at that message's offsets with its type byte; and the input classes of each kind of
 * message (docs/protocol.md#input-classes).
 */
class ClientMessageFramerProperties {

  private static final List<Integer> ONE_BYTE = List.of(1);

  @Provide
  Arbitrary<Transcript> connections() {
    return Arbitraries.oneOf(Connections.valid(), Connections.kasmValid());
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.integers().between(1, 300).list().ofMinSize(1).ofMaxSize(16);
  }

  @Property(tries = 300)
  void boundariesAreTheGeneratedMessagesInEveryFragmentation(@ForAll("connections") Transcript connection,
      @ForAll("chunkSizes") List<Integer> chunkSizes) {
    List<String> expected = expectedBoundaries(connection);
    assertThat(frame(connection, null)).isEqualTo(expected);
    assertThat(frame(connection, chunkSizes)).isEqualTo(expected);
    assertThat(frame(connection, ONE_BYTE)).as("all 1-byte chunks").isEqualTo(expected);
  }

  /** The generator's own account: a client segment after the handshake is one message. */
  private static List<String> expectedBoundaries(Transcript t) {
    List<String> out = new ArrayList<>();
    long offset = 0;
    List<Transcript.Segment> segments = t.segments();
    for (int i = 0; i < segments.size(); i++) {
      Transcript.Segment s = segments.get(i);
      if (s.direction() != Direction.CLIENT_TO_SERVER) {
        continue;
      }
      if (i >= t.firstMessageSegment) {
        if (out.isEmpty()) {
          out.add("begin " + offset);
        }
        out.add("message " + (s.bytes()[0] & 0xFF) + " " + offset + ".." + (offset + s.bytes().length));
      }
      offset += s.bytes().length;
    }
    if (out.isEmpty()) {
      out.add("begin " + offset);
    }
    return out;
  }

  /** Runs the transcript's merged segments through a framer, client ones cut into {@code sizes}; null: whole. */
  private static List<String> frame(Transcript t, List<Integer> sizes) {
    List<String> events = new ArrayList<>();
    ClientMessageFramer framer = new ClientMessageFramer(new Recorder(events, false));
    int next = 0;
    for (Transcript.Segment segment : t.merged()) {
      byte[] bytes = segment.bytes();
      for (int at = 0; at < bytes.length; ) {
        int size = sizes == null ? bytes.length - at : Math.min(sizes.get(next++ % sizes.size()), bytes.length - at);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes, at, size);
        if (segment.direction() == Direction.CLIENT_TO_SERVER) {
          framer.clientBytes(buf);
        } else {
          framer.serverBytes(buf);
        }
        assertThat(buf.readerIndex()).as("indices untouched").isZero();
        assertThat(buf.refCnt()).isOne();
        at += size;
      }
    }
    return events;
  }

  private record Recorder(List<String> events, boolean classes) implements ClientMessageBoundaries {
    @Override
    public void messagesBegin(long offset) {
      events.add("begin " + offset);
    }

    @Override
    public void message(int type, int inputClasses, long start, long end) {
      events.add("message " + type + (classes ? " " + labels(inputClasses) : "") + " " + start + ".." + end);
    }

    @Override
    public void lost(Direction direction, BlindReason reason, long offset) {
      events.add("lost " + direction + " " + reason + " " + offset);
    }
  }

  private static String labels(int bits) {
    List<String> names = new ArrayList<>();
    for (InputClass c : InputClass.values()) {
      if ((bits & c.bit()) != 0) {
        names.add(c.label());
      }
    }
    return names.isEmpty() ? "-" : String.join(",", names);
  }

  /** RFB 3.8 with security None: 12 + 1 + 1 = ClientInit ends at 14. */
  private static List<String> classes(byte[]... messages) {
    List<String> events = new ArrayList<>();
    ClientMessageFramer framer = new ClientMessageFramer(new Recorder(events, true));
    framer.serverBytes(Unpooled.wrappedBuffer(ascii("RFB 003.008\n")));
    framer.clientBytes(Unpooled.wrappedBuffer(ascii("RFB 003.008\n")));
    framer.serverBytes(Unpooled.wrappedBuffer(u8(1, 1))); // one security type: None
    framer.clientBytes(Unpooled.wrappedBuffer(u8(1)));
    framer.serverBytes(Unpooled.wrappedBuffer(u32(0))); // SecurityResult OK
    framer.clientBytes(Unpooled.wrappedBuffer(u8(1))); // ClientInit, shared
    framer.serverBytes(Unpooled.wrappedBuffer(serverInit("d")));
    framer.clientBytes(Unpooled.wrappedBuffer(bytes(messages)));
    return events;
  }

  @Example
  void eachMessageNeedsItsClasses() {
    assertThat(classes(
        bytes(u8(4), u8(1), zeros(2), u32(0x61)),             // KeyEvent a down
        bytes(u8(5), u8(0), u16(10), u16(10)),                // PointerEvent: motion
        bytes(u8(5), u8(1), u16(10), u16(10)),                // button 1 down, in place
        bytes(u8(5), u8(1), u16(11), u16(10)),                // dragging: a button held
        bytes(u8(5), u8(0), u16(11), u16(10)),                // released
        bytes(u8(5), u8(8), u16(11), u16(10)),                // wheel up
        bytes(u8(6), zeros(3), u32(2), ascii("hi")),          // ClientCutText
        bytes(u8(6), zeros(3), u32(-4), filler(4)),           // extended clipboard
        bytes(u8(251), u8(0), u16(800), u16(600), u8(1), u8(0), filler(16)), // SetDesktopSize
        bytes(u8(250), u8(0), u8(1), u8(2)),                  // xvp reboot
        bytes(u8(3), u8(1), u16(0), u16(0), u16(1024), u16(768)), // FramebufferUpdateRequest
        bytes(u8(255), u8(0), u16(1), u32(0x61), u32(30)),    // QEMU extended key
        bytes(u8(255), u8(1), u16(0)),                        // QEMU audio enable
        bytes(u8(253), u8(0x80), u16(24 + 12),                // gii injection: a key and a button event
            u8(24), u8(5), filler(22), u8(12), u8(10), filler(10))))
        .containsExactly(
            "begin 14",
            "message 4 keys 14..22",
            "message 5 pointer-motion 22..28",
            "message 5 pointer-buttons 28..34",
            "message 5 pointer-buttons 34..40",
            "message 5 pointer-buttons 40..46",
            "message 5 pointer-buttons 46..52",
            "message 6 clipboard 52..62",
            "message 6 clipboard 62..74",
            "message 251 desktop-resize 74..98",
            "message 250 xvp 98..102",
            "message 3 - 102..112",
            "message 255 keys 112..124",
            "message 255 - 124..128",
            "message 253 keys,pointer-buttons 128..168");
  }

  @Example
  void anEncryptedSecurityTypeIsLost() {
    List<String> events = new ArrayList<>();
    ClientMessageFramer framer = new ClientMessageFramer(new Recorder(events, true));
    framer.serverBytes(Unpooled.wrappedBuffer(ascii("RFB 003.008\n")));
    framer.clientBytes(Unpooled.wrappedBuffer(ascii("RFB 003.008\n")));
    framer.serverBytes(Unpooled.wrappedBuffer(u8(1, 19))); // VeNCrypt only
    framer.clientBytes(Unpooled.wrappedBuffer(u8(19)));
    framer.serverBytes(Unpooled.wrappedBuffer(u8(0, 2)));                  // VeNCrypt 0.2
    framer.clientBytes(Unpooled.wrappedBuffer(u8(0, 2)));
    framer.serverBytes(Unpooled.wrappedBuffer(bytes(u8(0), u8(1), u32(258)))); // ok, one subtype: TLSNone
    framer.clientBytes(Unpooled.wrappedBuffer(u32(258)));
    assertThat(framer.isLost()).isTrue();
    assertThat(framer.inMessagePhase()).isFalse();
    assertThat(events).hasSize(1).first().asString().startsWith("lost CLIENT_TO_SERVER");
  }
}
