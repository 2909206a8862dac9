package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.metrics.ProxyMetrics;
import org.rfbactivity.rfb.InputClass;

/**
 * {@link InputFilter} in an {@link EmbeddedChannel}, message by message (docs/architecture.md#input-permissions): a
 * write kept whole goes on as the same object, a dropped one completes its promise and is released, a header split
 * across writes is held until its end is known, and a stream that cannot be followed is closed (fail closed).
 */
class InputFilterTest {

  private static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_A = {4, 1, 0, 0, 0, 0, 0, 0x61};                 // KeyEvent a down
  private static final byte[] MOVE = {5, 0, 0, 10, 0, 10};                        // PointerEvent, no button
  private static final byte[] UPDATE = {3, 1, 0, 0, 0, 0, 4, 0, 3, 0};             // FramebufferUpdateRequest

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> closes = new ArrayList<>();

  private EmbeddedChannel handshaken(InputPermissions permissions, InputFilter[] filter) {
    filter[0] = new InputFilter(permissions, new ProxyMetrics(registry), closes::add);
    EmbeddedChannel ch = new EmbeddedChannel(filter[0]);
    server(ch, VERSION);
    assertThat(passedWhole(ch, VERSION)).isTrue();
    server(ch, new byte[] {1, 1});                       // one security type: None
    assertThat(passedWhole(ch, new byte[] {1})).isTrue();
    server(ch, new byte[] {0, 0, 0, 0});                 // SecurityResult OK
    assertThat(passedWhole(ch, new byte[] {1})).as("ClientInit").isTrue();
    return ch;
  }

  private static void server(EmbeddedChannel ch, byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    ch.writeInbound(buf);
    ByteBuf read = ch.readInbound();
    assertThat(read).as("server bytes pass as they are").isSameAs(buf);
    read.release();
  }

  /** Writes {@code bytes}; true when the very same buffer came out, with its indices, and nothing else. */
  private static boolean passedWhole(EmbeddedChannel ch, byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    ch.writeOutbound(buf);
    ByteBuf out = ch.readOutbound();
    boolean same = out == buf && out.readerIndex() == 0 && out.readableBytes() == bytes.length;
    assertThat((Object) ch.readOutbound()).isNull();
    if (out != null) {
      out.release();
    }
    return same;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private double dropped(InputClass c) {
    return registry.get("vnc.proxy.input.dropped").tag("class", c.label()).counter().count();
  }

  @Test
  void aKeptWriteIsTheSameObjectAndADroppedOneIsReleasedWithItsPromiseDone() {
    InputFilter[] filter = new InputFilter[1];
    EmbeddedChannel ch = handshaken(InputPermissions.of(InputClass.POINTER_MOTION), filter);
    assertThat(passedWhole(ch, MOVE)).isTrue();
    assertThat(passedWhole(ch, UPDATE)).isTrue();

    ByteBuf key = Unpooled.wrappedBuffer(KEY_A);
    ChannelFuture written = ch.writeAndFlush(key);
    assertThat(written.isSuccess()).as("the writer is not told of the drop").isTrue();
    assertThat(key.refCnt()).isZero();
    assertThat((Object) ch.readOutbound()).isNull();
    assertThat(filter[0].dropped(InputClass.KEYS)).isEqualTo(1);
    assertThat(dropped(InputClass.KEYS)).isEqualTo(1.0);
    assertThat(ch.finish()).isFalse();
    assertThat(closes).isEmpty();
  }

  @Test
  void keptMessagesAroundADroppedOneGoOnAsSlicesOfTheWrite() {
    InputFilter[] filter = new InputFilter[1];
    EmbeddedChannel ch = handshaken(InputPermissions.none(), filter);
    ByteBuf buf = Unpooled.wrappedBuffer(concat(UPDATE, KEY_A, UPDATE));
    ch.writeOutbound(buf);
    ByteBuf out = ch.readOutbound();
    assertThat(ByteBufUtil.getBytes(out)).isEqualTo(concat(UPDATE, UPDATE));
    assertThat(buf.refCnt()).as("held by the two slices only").isEqualTo(2);
    out.release();
    assertThat(buf.refCnt()).isZero();
    assertThat(filter[0].dropped(InputClass.KEYS)).isEqualTo(1);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aHeaderSplitAcrossWritesIsHeldUntilItsEndIsKnown() {
    InputFilter[] filter = new InputFilter[1];
    EmbeddedChannel ch = handshaken(InputPermissions.of(InputClass.KEYS), filter);
    // A ClientCutText's 8-byte header in two writes, then its body and a key: dropped whole, the key kept.
    byte[] cut = {6, 0, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c'};
    ByteBuf first = Unpooled.wrappedBuffer(cut, 0, 5);
    ch.writeOutbound(first);
    assertThat((Object) ch.readOutbound()).as("held: its end is not known").isNull();
    assertThat(first.refCnt()).isOne();
    ByteBuf second = Unpooled.wrappedBuffer(cut, 5, 3);
    ch.writeOutbound(second);
    assertThat((Object) ch.readOutbound()).as("its end is known now: dropped").isNull();
    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
    ByteBuf rest = Unpooled.wrappedBuffer(concat(java.util.Arrays.copyOfRange(cut, 8, 11), KEY_A));
    ch.writeOutbound(rest);
    ByteBuf out = ch.readOutbound();
    assertThat(ByteBufUtil.getBytes(out)).as("the key after the text").isEqualTo(KEY_A);
    assertThat(out).as("the write itself, its reader index past the text").isSameAs(rest);
    assertThat(out.readerIndex()).isEqualTo(3);
    out.release();
    assertThat(rest.refCnt()).isZero();
    assertThat(filter[0].dropped(InputClass.CLIPBOARD)).isEqualTo(1);
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void anUnframeableMessageClosesTheViewerAndNothingFromItOnIsSent() {
    InputFilter[] filter = new InputFilter[1];
    EmbeddedChannel ch = handshaken(InputPermissions.of(InputClass.KEYS), filter);
    ByteBuf buf = Unpooled.wrappedBuffer(concat(KEY_A, new byte[] {7, 1, 0, 0, 0, 0, 0, 0})); // FileTransfer
    ch.writeOutbound(buf);
    ByteBuf out = ch.readOutbound();
    assertThat(ByteBufUtil.getBytes(out)).as("the key before it").isEqualTo(KEY_A);
    out.release();
    ch.runPendingTasks();
    assertThat(closes).containsExactly(
        "stream cannot be followed: unframeable_message (client_to_server offset 22)");
    ByteBuf later = Unpooled.wrappedBuffer(KEY_A);
    ch.writeOutbound(later);
    assertThat((Object) ch.readOutbound()).isNull();
    assertThat(later.refCnt()).isZero();
    assertThat(buf.refCnt()).isZero();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aSecurityTypeTheCodecCannotFollowChosenByAThreeThreeServerClosesTheViewer() {
    EmbeddedChannel ch = new EmbeddedChannel(new InputFilter(InputPermissions.none(), new ProxyMetrics(registry),
        closes::add));
    server(ch, "RFB 003.003\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(passedWhole(ch, "RFB 003.003\n".getBytes(StandardCharsets.US_ASCII))).isTrue();
    server(ch, new byte[] {0, 0, 0, 18});                // the server chooses 18 (Vino's TLS), not a 3.3 type
    ch.runPendingTasks();
    assertThat(closes).containsExactly(
        "stream cannot be followed: unknown_security_type (server_to_client offset 16)");
    ByteBuf tls = Unpooled.wrappedBuffer(new byte[] {0x16, 3, 1});
    ch.writeOutbound(tls);
    assertThat((Object) ch.readOutbound()).isNull();
    assertThat(tls.refCnt()).isZero();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void aViewerWithEveryPermissionGetsNoFilter() {
    assertThatThrownBy(() -> new InputFilter(InputPermissions.all(), new ProxyMetrics(registry), closes::add))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
