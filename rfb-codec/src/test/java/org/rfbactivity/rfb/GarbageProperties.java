package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.rfbactivity.rfb.Transcript.Segment;

/**
 * Garbage tolerance: arbitrary bytes in lenient mode never throw, every byte is forwarded unchanged, and at
 * most one blind event is reported per direction. Inputs are pure noise, valid connections with bytes replaced,
 * and valid handshakes followed by noise (so the message parser sees random type bytes). In strict mode the same
 * inputs fail only with {@link RfbProtocolException}, at most once, and the offending buffer is released.
 */
class GarbageProperties {

  @Provide
  Arbitrary<List<Segment>> noise() {
    return Combinators.combine(Arbitraries.of(Direction.class), Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
        .as(Segment::new).list().ofMaxSize(30);
  }

  /** A valid connection with up to 8 bytes overwritten at arbitrary positions. */
  @Provide
  Arbitrary<List<Segment>> mutated() {
    return mutations(Connections.valid());
  }

  /** The same for KasmVNC's dialect (docs/protocol.md#kasmvnc-client-messages). */
  @Provide
  Arbitrary<List<Segment>> mutatedKasm() {
    return mutations(Connections.kasmValid());
  }

  static Arbitrary<List<Segment>> mutations(Arbitrary<Transcript> connections) {
    Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE),
        Arbitraries.integers().between(0, 255)).as((position, value) -> new int[] {position, value});
    return Combinators.combine(connections, edit.list().ofMinSize(1).ofMaxSize(8)).as((connection, edits) -> {
      List<Segment> segments = new ArrayList<>();
      for (Segment segment : connection.segments()) {
        segments.add(new Segment(segment.direction(), segment.bytes().clone()));
      }
      int total = segments.stream().mapToInt(s -> s.bytes().length).sum();
      for (int[] e : edits) {
        int at = e[0] % Math.max(1, total);
        for (Segment segment : segments) {
          if (at < segment.bytes().length) {
            segment.bytes()[at] = (byte) e[1];
            break;
          }
          at -= segment.bytes().length;
        }
      }
      return segments;
    });
  }

  /** A valid handshake, then noise from both sides: random client message types. */
  @Provide
  Arbitrary<List<Segment>> noiseAfterHandshake() {
    return Combinators.combine(Connections.handshakes(), noise()).as((handshake, noise) -> {
      Transcript t = new Transcript();
      handshake.writeTo(t);
      List<Segment> segments = new ArrayList<>(t.segments());
      segments.addAll(noise);
      return segments;
    });
  }

  /** A valid handshake and a SetEncodings that announces KasmVNC's dialect, then noise. */
  @Provide
  Arbitrary<List<Segment>> noiseInKasmDialect() {
    return Combinators.combine(Connections.handshakes(), noise()).as((handshake, noise) -> {
      Transcript t = new Transcript();
      handshake.writeTo(t);
      t.client(Wire.u8(2), Wire.u8(0), Wire.u16(1), Wire.u32(-1884)); // SetEncodings [KasmVNC DirectMouse]
      List<Segment> segments = new ArrayList<>(t.segments());
      segments.addAll(noise);
      return segments;
    });
  }

  @Property(tries = 200)
  void mutatedKasmConnectionsAreRelayedUnchanged(@ForAll("mutatedKasm") List<Segment> segments) {
    lenient(segments);
  }

  @Property(tries = 200)
  void noiseInKasmDialectIsRelayedUnchanged(@ForAll("noiseInKasmDialect") List<Segment> segments) {
    lenient(segments);
  }

  @Property(tries = 300)
  void noiseIsRelayedUnchanged(@ForAll("noise") List<Segment> segments) {
    lenient(segments);
  }

  @Property(tries = 300)
  void mutatedConnectionsAreRelayedUnchanged(@ForAll("mutated") List<Segment> segments) {
    lenient(segments);
  }

  @Property(tries = 300)
  void noiseAfterAHandshakeIsRelayedUnchanged(@ForAll("noiseAfterHandshake") List<Segment> segments) {
    lenient(segments);
  }

  @Property(tries = 300)
  void strictModeFailsOnlyWithTheProtocolExceptionAndLeaksNothing(@ForAll("mutated") List<Segment> segments) {
    EmbeddedChannel channel = new EmbeddedChannel(
        new RfbInspector(RfbInspectorConfig.builder().strict(true).build(), new RfbListener() { }));
    int failures = 0;
    for (Segment segment : segments) {
      ByteBuf buf = Unpooled.directBuffer(segment.bytes().length).writeBytes(segment.bytes());
      boolean read = segment.direction() == Direction.SERVER_TO_CLIENT;
      try {
        if (read) {
          channel.writeInbound(buf);
        } else {
          channel.writeOutbound(buf);
        }
        Object out = read ? channel.readInbound() : channel.readOutbound();
        if (segment.bytes().length > 0 || out != null) {
          assertThat(out).isSameAs(buf);
        }
        buf.release();
      } catch (RfbProtocolException expected) {
        failures++;
        assertThat(buf.refCnt()).as("the failing buffer is released").isZero();
      }
    }
    assertThat(failures).isLessThanOrEqualTo(1);
    assertThat(channel.finish()).isFalse();
  }

  private static void lenient(List<Segment> segments) {
    InspectorHarness h = new InspectorHarness();
    for (Segment segment : segments) {
      h.deliver(segment.direction(), segment.bytes(), Integer.MAX_VALUE);
    }
    h.finish();
    // RfbListener#inspectionLost: at most once per connection, in either direction (stricter than once per direction)
    assertThat(h.listener.blindEvents()).as("blind events").isLessThanOrEqualTo(1);
  }
}
