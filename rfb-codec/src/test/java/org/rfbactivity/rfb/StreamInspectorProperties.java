package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.rfbactivity.rfb.Transcript.Segment;

/**
 * {@link RfbStreamInspector} is the Netty inspector's parser without Netty: fed the same connection as
 * {@code byte[]} or {@code ByteBuffer} slices of any sizes (1-byte slices included), it reports exactly the events
 * the {@link RfbInspector} in an {@code EmbeddedChannel} reports, also for garbage and for streams that go blind; and
 * it leaves every slice as it was given (contents, position, limit, byte order).
 */
class StreamInspectorProperties {

  private static final List<Integer> ONE_BYTE = List.of(1);
  /** Bytes before and after every slice in its array or buffer, so that reading outside the slice shows. */
  private static final int PREFIX = 3;
  private static final int SLACK = 5;

  /** The slices an embedder may pass. */
  enum SliceKind {
    ARRAY,
    HEAP_BUFFER,
    DIRECT_BUFFER,
    READ_ONLY_BUFFER,
    /** A buffer whose order is little-endian: the wire stays big-endian, and the order must not change. */
    LITTLE_ENDIAN_BUFFER
  }

  @Provide
  Arbitrary<Transcript> connections() {
    return Connections.valid();
  }

  @Provide
  Arbitrary<Transcript> kasmConnections() {
    return Connections.kasmValid();
  }

  @Provide
  Arbitrary<List<Segment>> mutated() {
    return GarbageProperties.mutations(Connections.valid());
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.integers().between(1, 300).list().ofMinSize(1).ofMaxSize(16);
  }

  @Property(tries = 300)
  void anySlicingGivesTheEventsOfTheNettyPath(@ForAll("connections") Transcript connection,
      @ForAll("chunkSizes") List<Integer> chunkSizes, @ForAll SliceKind kind) {
    List<String> netty = nettyWhole(connection.merged(), RfbInspectorConfig.defaults());
    assertThat(netty).as("valid connection: handshake first").first().isEqualTo(connection.expectedHandshake);
    assertThat(netty).as("never blind").noneMatch(event -> event.startsWith("lost "));

    assertThat(neutral(connection.merged(), chunkSizes, kind, RfbInspectorConfig.defaults())).isEqualTo(netty);
    assertThat(neutral(connection.merged(), ONE_BYTE, kind, RfbInspectorConfig.defaults())).as("1-byte slices")
        .isEqualTo(netty);
  }

  /** The same for KasmVNC's dialect (docs/protocol.md#kasmvnc-client-messages). */
  @Property(tries = 200)
  void kasmConnectionsGiveTheEventsOfTheNettyPathInAnySlicing(@ForAll("kasmConnections") Transcript connection,
      @ForAll("chunkSizes") List<Integer> chunkSizes, @ForAll SliceKind kind) {
    List<String> netty = nettyWhole(connection.merged(), RfbInspectorConfig.defaults());
    assertThat(netty).as("never blind").noneMatch(event -> event.startsWith("lost "));

    assertThat(neutral(connection.merged(), chunkSizes, kind, RfbInspectorConfig.defaults())).isEqualTo(netty);
    assertThat(neutral(connection.merged(), ONE_BYTE, kind, RfbInspectorConfig.defaults())).as("1-byte slices")
        .isEqualTo(netty);
  }

  /**
   * Garbage goes blind at the same byte, for the same reason, with the same events before it: both paths are fed
   * the same slices (where a parse that fails inside a slice is reported depends on the slicing).
   */
  @Property(tries = 300)
  void garbageGoesBlindAsOnTheNettyPath(@ForAll("mutated") List<Segment> segments,
      @ForAll("chunkSizes") List<Integer> chunkSizes, @ForAll SliceKind kind) {
    List<String> netty = nettyChunked(segments, chunkSizes, RfbInspectorConfig.defaults());
    assertThat(neutral(segments, chunkSizes, kind, RfbInspectorConfig.defaults())).isEqualTo(netty);
  }

  /** Bytes keep being counted once blind, as the Netty path counts what it relays. */
  @Example
  void countersFollowEveryByteAlsoWhenBlind() {
    RecordingListener listener = new RecordingListener();
    RfbStreamInspector inspector = new RfbStreamInspector(listener);
    inspector.serverBytes(Wire.ascii("RFB 003.008\n"), 0, 12);
    inspector.clientBytes(ByteBuffer.wrap(Wire.ascii("NOT A VERSION")));
    inspector.clientBytes(new byte[] {1, 2, 3}, 1, 2);
    inspector.serverBytes(ByteBuffer.allocateDirect(7));

    assertThat(listener.events()).containsExactly("lost CLIENT_TO_SERVER BAD_VERSION @0");
    assertThat(inspector.isBlind()).isTrue();
    assertThat(inspector.counters().bytesFromClient()).isEqualTo(15);
    assertThat(inspector.counters().bytesFromServer()).isEqualTo(19);
  }

  /**
   * A listener that feeds the direction being parsed makes the connection blind, as on the Netty path: those bytes
   * would travel before the rest of the slice being parsed.
   */
  @Example
  void aListenerThatFeedsTheDirectionBeingParsedMakesItBlind() {
    RfbStreamInspector[] self = new RfbStreamInspector[1];
    RecordingListener listener = new RecordingListener() {
      @Override
      public void input(InputKind kind) {
        super.input(kind);
        self[0].clientBytes(new byte[] {3, 0, 0, 0, 0, 0, 0, 1, 0, 1}, 0, 10);
      }
    };
    RfbStreamInspector inspector = new RfbStreamInspector(listener);
    self[0] = inspector;
    inspector.serverBytes(Wire.ascii("RFB 003.008\n"), 0, 12);  // ProtocolVersion
    inspector.clientBytes(Wire.ascii("RFB 003.008\n"), 0, 12);  // ProtocolVersion
    inspector.serverBytes(Wire.u8(1, 1), 0, 2);                // 1 security type: None
    inspector.clientBytes(Wire.u8(1), 0, 1);                   // chosen: None
    inspector.serverBytes(ByteBuffer.wrap(Wire.u32(0)));       // SecurityResult OK
    inspector.clientBytes(ByteBuffer.wrap(Wire.u8(1)));        // ClientInit, shared
    inspector.serverBytes(ByteBuffer.wrap(Wire.serverInit("")));
    // KeyEvent down 'a', then the listener's PointerEvent fed from inside its callback
    inspector.clientBytes(Wire.bytes(Wire.u8(4), Wire.u8(1), Wire.zeros(2), Wire.u32(0x61)), 0, 8);

    assertThat(listener.events()).containsExactly("handshake 3.8 None", "serverInit 1024x768 ''", "key down -1",
        "input KEY_PRESS", "lost CLIENT_TO_SERVER UNEXPECTED_DATA @22");
    assertThat(inspector.counters().bytesFromClient()).isEqualTo(32);
  }

  private static List<String> nettyWhole(List<Segment> segments, RfbInspectorConfig config) {
    InspectorHarness h = new InspectorHarness(config);
    for (Segment segment : segments) {
      h.deliver(segment.direction(), segment.bytes(), Integer.MAX_VALUE);
    }
    h.finish();
    return h.events();
  }

  private static List<String> nettyChunked(List<Segment> segments, List<Integer> sizes, RfbInspectorConfig config) {
    InspectorHarness h = new InspectorHarness(config);
    int next = 0;
    for (Segment segment : segments) {
      byte[] bytes = segment.bytes();
      for (int at = 0; at < bytes.length; ) {
        int size = Math.min(sizes.get(next++ % sizes.size()), bytes.length - at);
        h.send(segment.direction(), bytes, at, size);
        at += size;
      }
    }
    h.finish();
    return h.events();
  }

  /** Feeds the segments cut into slices whose sizes cycle through {@code sizes}, checking each slice after. */
  private static List<String> neutral(List<Segment> segments, List<Integer> sizes, SliceKind kind,
      RfbInspectorConfig config) {
    RecordingListener listener = new RecordingListener();
    RfbStreamInspector inspector = new RfbStreamInspector(config, listener);
    int next = 0;
    long client = 0;
    long server = 0;
    for (Segment segment : segments) {
      byte[] bytes = segment.bytes();
      boolean fromClient = segment.direction() == Direction.CLIENT_TO_SERVER;
      for (int at = 0; at < bytes.length; ) {
        int size = Math.min(sizes.get(next++ % sizes.size()), bytes.length - at);
        feed(inspector, fromClient, kind, bytes, at, size);
        at += size;
      }
      if (fromClient) {
        client += bytes.length;
      } else {
        server += bytes.length;
      }
    }
    assertThat(inspector.counters().bytesFromClient()).as("client bytes counted").isEqualTo(client);
    assertThat(inspector.counters().bytesFromServer()).as("server bytes counted").isEqualTo(server);
    return listener.events();
  }

  private static void feed(RfbStreamInspector inspector, boolean fromClient, SliceKind kind, byte[] bytes, int from,
      int length) {
    byte[] backing = new byte[PREFIX + length + SLACK];
    System.arraycopy(Wire.filler(PREFIX), 0, backing, 0, PREFIX);
    System.arraycopy(bytes, from, backing, PREFIX, length);
    byte[] before = backing.clone();
    if (kind == SliceKind.ARRAY) {
      if (fromClient) {
        inspector.clientBytes(backing, PREFIX, length);
      } else {
        inspector.serverBytes(backing, PREFIX, length);
      }
      assertThat(backing).as("the array is unchanged").isEqualTo(before);
      return;
    }
    ByteBuffer buffer = kind == SliceKind.DIRECT_BUFFER ? ByteBuffer.allocateDirect(backing.length).put(backing)
        : ByteBuffer.wrap(backing.clone());
    buffer.limit(PREFIX + length).position(PREFIX);
    if (kind == SliceKind.READ_ONLY_BUFFER) {
      buffer = buffer.asReadOnlyBuffer();
    } else if (kind == SliceKind.LITTLE_ENDIAN_BUFFER) {
      buffer.order(ByteOrder.LITTLE_ENDIAN);
    }
    ByteOrder order = buffer.order();
    if (fromClient) {
      inspector.clientBytes(buffer);
    } else {
      inspector.serverBytes(buffer);
    }
    assertThat(buffer.position()).as("position").isEqualTo(PREFIX);
    assertThat(buffer.limit()).as("limit").isEqualTo(PREFIX + length);
    assertThat(buffer.order()).as("byte order").isEqualTo(order);
    byte[] after = new byte[PREFIX + length];
    buffer.get(0, after);
    assertThat(after).as("the buffer's bytes are unchanged").isEqualTo(Arrays.copyOf(before, PREFIX + length));
  }
}
