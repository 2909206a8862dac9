package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * An {@link RfbInspector} in an {@link EmbeddedChannel}. Every buffer it delivers checks the pass-through
 * contract: the very same object comes out, with unchanged reader/writer index and reference count,
 * and nothing else comes out. Buffers start with a few bytes before the reader index and end before their
 * capacity, so a parser that ignored the reader index or read past the writer index would fail.
 */
final class InspectorHarness {

  /** Bytes before the reader index of every delivered buffer. */
  static final int PREFIX = 3;
  private static final int SLACK = 5;

  /** The kinds of buffer a pipeline may carry; the inspector must treat all alike. */
  enum BufferKind {
    /** Pooled heap buffer with bytes before the reader index and spare capacity after the writer index. */
    HEAP,
    /** Pooled direct buffer, likewise. */
    DIRECT,
    /** A composite of two components, split in the middle. */
    COMPOSITE,
    /** A retained slice of a larger buffer. */
    SLICE,
    /** A read-only view of a heap buffer. */
    READ_ONLY,
    /**
     * A little-endian view ({@code order(LITTLE_ENDIAN)}, deprecated but still a ByteBuf a pipeline may carry):
     * its multi-byte getters swap, the wire bytes do not change.
     */
    LITTLE_ENDIAN
  }

  private BufferKind bufferKind = BufferKind.HEAP;
  private boolean recordForwarded = true;

  final RecordingListener listener;
  final RfbInspector inspector;
  final EmbeddedChannel channel;
  private final boolean backend;
  private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
  private final ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
  private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
  private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
  private int mark;

  InspectorHarness() {
    this(RfbInspectorConfig.defaults());
  }

  InspectorHarness(RfbInspectorConfig config) {
    this(config, new RecordingListener());
  }

  InspectorHarness(RfbInspectorConfig config, RecordingListener listener) {
    this.listener = listener;
    this.inspector = new RfbInspector(config, listener);
    this.channel = new EmbeddedChannel(inspector);
    this.backend = config.placement() == RfbInspectorConfig.Placement.BACKEND;
  }

  /**
   * RFB 3.8 with security type None up to and including ClientInit: the client stream is then at offset 14,
   * the server's at 18, and the next client byte starts a message.
   */
  InspectorHarness noneHandshake() {
    server(Wire.ascii("RFB 003.008\n"));  // ProtocolVersion
    client(Wire.ascii("RFB 003.008\n"));  // ProtocolVersion
    server(Wire.u8(1), Wire.u8(1));       // 1 security type: None
    client(Wire.u8(1));                   // chosen: None
    server(Wire.u32(0));                  // SecurityResult OK (3.8)
    client(Wire.u8(1));                   // ClientInit, shared
    return this;
  }

  /**
   * The same 3.8 None handshake on a bare channel with the inspector in BACKEND placement, for tests whose
   * listeners write into the pipeline themselves (the harness checks exactly one buffer out per buffer in).
   */
  static void noneHandshake(EmbeddedChannel channel) {
    byte[][] server = {Wire.ascii("RFB 003.008\n"), Wire.u8(1, 1), Wire.u32(0)};
    byte[][] client = {Wire.ascii("RFB 003.008\n"), Wire.u8(1), Wire.u8(1)};
    for (int i = 0; i < server.length; i++) {
      channel.writeInbound(Unpooled.wrappedBuffer(server[i]));
      channel.writeOutbound(Unpooled.wrappedBuffer(client[i]));
    }
    channel.releaseInbound();
    channel.releaseOutbound();
  }

  /** Delivers the concatenated fields from the server, as one buffer. */
  InspectorHarness server(byte[]... fields) {
    deliver(Direction.SERVER_TO_CLIENT, Wire.bytes(fields), Integer.MAX_VALUE);
    return this;
  }

  /** Delivers the concatenated fields from the client, as one buffer. */
  InspectorHarness client(byte[]... fields) {
    deliver(Direction.CLIENT_TO_SERVER, Wire.bytes(fields), Integer.MAX_VALUE);
    return this;
  }

  /** Delivers {@code bytes} in chunks of at most {@code chunk} bytes. */
  void deliver(Direction direction, byte[] bytes, int chunk) {
    for (int at = 0; at < bytes.length; at += chunk) {
      send(direction, bytes, at, Math.min(chunk, bytes.length - at));
    }
  }

  /** Delivers {@code bytes[from, from + length)} as one buffer and checks that it passed through untouched. */
  void send(Direction direction, byte[] bytes, int from, int length) {
    (direction == Direction.CLIENT_TO_SERVER ? toServer : toClient).write(bytes, from, length);
    forward(direction, allocate(bytes, from, length));
  }

  InspectorHarness bufferKind(BufferKind kind) {
    this.bufferKind = kind;
    return this;
  }

  private ByteBuf allocate(byte[] bytes, int from, int length) {
    switch (bufferKind) {
      case HEAP:
        return channel.alloc().heapBuffer(PREFIX + length + SLACK).writeBytes(Wire.filler(PREFIX))
            .readerIndex(PREFIX).writeBytes(bytes, from, length);
      case DIRECT:
        return channel.alloc().directBuffer(PREFIX + length + SLACK).writeBytes(Wire.filler(PREFIX))
            .readerIndex(PREFIX).writeBytes(bytes, from, length);
      case COMPOSITE:
        int half = length / 2;
        return channel.alloc().compositeBuffer().addComponents(true,
            channel.alloc().heapBuffer(half).writeBytes(bytes, from, half),
            channel.alloc().directBuffer(length - half).writeBytes(bytes, from + half, length - half));
      case SLICE:
        ByteBuf parent = channel.alloc().buffer(PREFIX + length + SLACK).writeBytes(Wire.filler(PREFIX))
            .writeBytes(bytes, from, length).writeBytes(Wire.filler(SLACK));
        ByteBuf slice = parent.retainedSlice(PREFIX, length);
        parent.release();
        return slice;
      case READ_ONLY:
        return channel.alloc().heapBuffer(PREFIX + length + SLACK).writeBytes(Wire.filler(PREFIX))
            .readerIndex(PREFIX).writeBytes(bytes, from, length).asReadOnly();
      case LITTLE_ENDIAN:
        return littleEndian(channel.alloc().buffer(PREFIX + length + SLACK).writeBytes(Wire.filler(PREFIX))
            .readerIndex(PREFIX).writeBytes(bytes, from, length));
      default:
        throw new IllegalStateException(bufferKind.name());
    }
  }

  @SuppressWarnings("deprecation")
  private static ByteBuf littleEndian(ByteBuf buf) {
    return buf.order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Passes one buffer (owned by the caller's reference) through the inspector, checks it came out untouched, and
   * releases it.
   */
  void forward(Direction direction, ByteBuf buf) {
    int readerIndex = buf.readerIndex();
    int writerIndex = buf.writerIndex();
    int refCnt = buf.refCnt();
    boolean read = (direction == Direction.SERVER_TO_CLIENT) == backend;
    Object out;
    if (read) {
      channel.writeInbound(buf);
      out = channel.readInbound();
      assertThat((Object) channel.readInbound()).as("nothing but the delivered buffer comes out").isNull();
    } else {
      channel.writeOutbound(buf);
      out = channel.readOutbound();
      assertThat((Object) channel.readOutbound()).as("nothing but the delivered buffer goes out").isNull();
    }
    assertThat(out).as("the very same buffer is forwarded").isSameAs(buf);
    assertThat(buf.readerIndex()).as("reader index").isEqualTo(readerIndex);
    assertThat(buf.writerIndex()).as("writer index").isEqualTo(writerIndex);
    assertThat(buf.refCnt()).as("reference count").isEqualTo(refCnt);
    if (recordForwarded) {
      byte[] forwarded = new byte[buf.readableBytes()];
      buf.getBytes(buf.readerIndex(), forwarded);
      (direction == Direction.CLIENT_TO_SERVER ? fromClient : fromServer).writeBytes(forwarded);
    }
    buf.release();
  }

  /**
   * Stops keeping copies of forwarded bytes (for gigabyte bodies); {@link #finish()} then checks only the
   * channel, and the caller checks what was forwarded itself.
   */
  InspectorHarness withoutByteRecording() {
    recordForwarded = false;
    return this;
  }

  /** Everything forwarded in that direction, concatenated. */
  byte[] forwarded(Direction direction) {
    return (direction == Direction.CLIENT_TO_SERVER ? fromClient : fromServer).toByteArray();
  }

  List<String> events() {
    return listener.events();
  }

  /** Remembers how many events there are, for {@link #eventsSinceMark()}. */
  InspectorHarness mark() {
    mark = listener.events().size();
    return this;
  }

  List<String> eventsSinceMark() {
    List<String> all = listener.events();
    return all.subList(mark, all.size());
  }

  /**
   * Closes the channel: nothing may be left in it, and each direction's forwarded bytes equal, byte for byte,
   * what was delivered.
   */
  void finish() {
    assertThat(channel.finish()).as("channel.finish() leaves nothing behind").isFalse();
    if (!recordForwarded) {
      return;
    }
    assertThat(forwarded(Direction.CLIENT_TO_SERVER)).as("client bytes forwarded unchanged")
        .isEqualTo(toServer.toByteArray());
    assertThat(forwarded(Direction.SERVER_TO_CLIENT)).as("server bytes forwarded unchanged")
        .isEqualTo(toClient.toByteArray());
  }
}
