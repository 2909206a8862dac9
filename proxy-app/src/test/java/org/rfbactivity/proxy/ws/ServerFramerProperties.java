package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Any split of the server's stream into reads, with flushes (ends of read bursts) anywhere, 1-byte reads included:
 * the frames' payloads put together are the stream, every frame is within the limit, and the frames are exactly the
 * ones the rule gives (a frame per burst, closed early only before a read that would take it over the limit, a read
 * larger than a frame cut at the limit). Payloads are the written buffers, every buffer is released, every write's
 * promise succeeds.
 */
class ServerFramerProperties {

  /** A read of {@code size} bytes, or a flush when {@code size} is 0. */
  @Provide
  Arbitrary<List<Integer>> reads() {
    Arbitrary<Integer> size = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(1, 300)),
        net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(1, 20_000)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(60_000, 140_000)));
    return size.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 200)
  void anySplitGivesTheStreamInFramesWithinTheLimit(@ForAll("reads") List<Integer> reads, @ForAll long seed) {
    run(reads, seed);
  }

  /** 1-byte reads, a burst every {@code burst} reads: the most buffers a frame can be made of. */
  @Property(tries = 20)
  void oneByteReads(@ForAll @IntRange(min = 1, max = 100_000) int length,
      @ForAll @IntRange(min = 1, max = 70_000) int burst, @ForAll long seed) {
    List<Integer> reads = new ArrayList<>();
    for (int i = 1; i <= length; i++) {
      reads.add(1);
      if (i % burst == 0) {
        reads.add(0);
      }
    }
    run(reads, seed);
  }

  private static void run(List<Integer> reads, long seed) {
    int total = reads.stream().mapToInt(Integer::intValue).sum();
    byte[] stream = new byte[total];
    new Random(seed).nextBytes(stream);

    EmbeddedChannel ch = new EmbeddedChannel(new WebSocket08FrameEncoder(false), new ServerFramer());
    ServerFrameReader reader = new ServerFrameReader();
    List<ByteBuf> inputs = new ArrayList<>();
    List<ChannelFuture> writes = new ArrayList<>();
    int at = 0;
    for (int size : reads) {
      if (size == 0) {
        ch.flush();
        reader.readAll(ch);
        assertThat(reader.complete()).as("a flush sends whole frames").isTrue();
        continue;
      }
      ByteBuf buf = Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, at, at + size));
      at += size;
      reader.written(buf);
      inputs.add(buf);
      writes.add(ch.write(buf));
    }
    ch.flush();
    reader.readAll(ch);

    assertThat(reader.payload.toByteArray()).as("the stream, in order").isEqualTo(stream);
    assertThat(reader.frameLengths).as("the frames the rule gives").isEqualTo(expectedFrames(reads));
    assertThat(reader.others).isEmpty();
    assertThat(ch.finishAndReleaseAll()).as("nothing left in the channel").isFalse();
    for (ChannelFuture write : writes) {
      assertThat(write.isSuccess()).as("every write's promise succeeds").isTrue();
    }
    for (ByteBuf input : inputs) {
      assertThat(input.refCnt()).as("every written buffer released").isZero();
    }
  }

  /** The rule, as a model: what a burst holds goes out at its flush, or before a read it cannot take. */
  private static List<Integer> expectedFrames(List<Integer> reads) {
    List<Integer> frames = new ArrayList<>();
    int held = 0;
    for (int size : reads) {
      if (size == 0 || held + size > ServerFramer.MAX_PAYLOAD) {
        if (held > 0) {
          frames.add(held);
        }
        held = 0;
      }
      for (; size > ServerFramer.MAX_PAYLOAD; size -= ServerFramer.MAX_PAYLOAD) {
        frames.add(ServerFramer.MAX_PAYLOAD);
      }
      held += size;
    }
    if (held > 0) {
      frames.add(held);
    }
    return frames;
  }
}
