package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;

/**
 * {@link ServerFramer} before Netty's frame encoder in an {@link EmbeddedChannel}, as in a viewer's pipeline: a burst's
 * buffers become one frame (a header buffer, then the buffers themselves), the limit closes a frame before the read
 * that would overflow it and slices a read larger than a frame, a Close frame goes after what was held, and each write
 * keeps its own promise.
 */
@ExtendWith(LeakWatch.class)
class ServerFramerTest {

  private final EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameEncoder(false), new ServerFramer());
  private final ServerFrameReader reader = new ServerFrameReader();
  private final List<ByteBuf> inputs = new ArrayList<>();
  private int next;

  /** A fresh unpooled buffer of {@code n} bytes continuing the stream 0, 1, 2 … (mod 251). */
  private ByteBuf read(int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) (next++ % 251);
    }
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    reader.written(buf);
    inputs.add(buf);
    return buf;
  }

  private byte[] stream() {
    byte[] bytes = new byte[next];
    for (int i = 0; i < next; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }

  private void finish() {
    reader.readAll(ch);
    assertThat(ch.finishAndReleaseAll()).as("nothing left in the channel").isFalse();
    for (ByteBuf input : inputs) {
      assertThat(input.refCnt()).as("every written buffer released").isZero();
    }
  }

  @Test
  void aBurstIsOneFrameOfTheBuffersThemselves() {
    ByteBuf a = read(100);
    ByteBuf b = read(200);
    ByteBuf c = read(300);
    ch.write(a);
    ch.write(b);
    ch.write(c);
    assertThat((Object) ch.readOutbound()).as("held until the flush").isNull();
    ch.flush();
    ByteBuf header = ch.readOutbound();
    assertThat(ByteBufUtil.hexDump(header)).isEqualTo("827e0258"); // FIN binary, 16-bit length 600
    header.release();
    for (ByteBuf expected : List.of(a, b, c)) {
      ByteBuf out = ch.readOutbound();
      assertThat(out).as("the written buffer itself").isSameAs(expected);
      out.release();
    }
    assertThat((Object) ch.readOutbound()).isNull();
    finish();
  }

  @Test
  void headerLengthForms() {
    for (int n : new int[] {1, 125, 126, 65535, 65536}) {
      ch.writeAndFlush(read(n));
    }
    reader.readAll(ch);
    assertThat(reader.frameLengths).containsExactly(1, 125, 126, 65535, 65536);
    assertThat(reader.payload.toByteArray()).isEqualTo(stream());
    finish();
  }

  @Test
  void theLimitClosesAFrameBeforeTheReadThatWouldOverflowIt() {
    ch.write(read(40_000));
    ch.write(read(20_000));
    ch.write(read(10_000)); // 70,000 would be over 65,536: a new frame
    ch.write(read(50_000));
    ch.flush();
    reader.readAll(ch);
    assertThat(reader.frameLengths).containsExactly(60_000, 60_000);
    assertThat(reader.payload.toByteArray()).isEqualTo(stream());
    finish();
  }

  @Test
  void aReadLargerThanAFrameIsSlicedNotCopied() {
    ch.write(read(1_000));
    ch.write(read(2 * ServerFramer.MAX_PAYLOAD + 10));
    ch.write(read(5));
    ch.flush();
    reader.readAll(ch);
    assertThat(reader.frameLengths).containsExactly(1_000, ServerFramer.MAX_PAYLOAD, ServerFramer.MAX_PAYLOAD, 15);
    assertThat(reader.payload.toByteArray()).isEqualTo(stream());
    finish();
  }

  @Test
  void aControlFrameGoesAfterWhatIsHeld() {
    ch.write(read(10));
    ch.write(read(20));
    ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
    reader.readAll(ch);
    assertThat(reader.frameLengths).containsExactly(30);
    // Close 1000 "Bye" (Netty's reason text for the status), after the one data frame
    assertThat(reader.others).containsExactly("1:880503e8427965");
    assertThat(reader.payload.toByteArray()).isEqualTo(stream());
    finish();
  }

  @Test
  void eachWriteKeepsItsPromise() {
    ChannelFuture first = ch.write(read(10));
    ChannelFuture second = ch.write(read(10));
    assertThat(first.isDone()).isFalse();
    ch.flush();
    assertThat(first.isSuccess()).isTrue();
    assertThat(second.isSuccess()).isTrue();
    finish();
  }

  @Test
  void aCloseSendsWhatIsHeldFirstWhoseWritesThenFailWithTheChannel() {
    ChannelFuture held = ch.write(read(10));
    ch.close();
    assertThat(held.cause()).as("unflushed when the channel closed").isInstanceOf(ClosedChannelException.class);
    finish();
  }

  @Test
  void whatIsHeldWhenTheChannelIsTornDownIsReleasedAndItsWritesFail() {
    ChannelFuture held = ch.write(read(10));
    ch.pipeline().remove(ServerFramer.class);
    assertThat(held.cause()).isInstanceOf(ClosedChannelException.class);
    finish();
  }
}
