package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.rfbactivity.proxy.metrics.ProxyMetrics;
import org.rfbactivity.rfb.BlindReason;
import org.rfbactivity.rfb.ClientMessageBoundaries;
import org.rfbactivity.rfb.ClientMessageFramer;
import org.rfbactivity.rfb.Direction;
import org.rfbactivity.rfb.GeneratedConnections;
import org.rfbactivity.rfb.GeneratedConnections.Connection;
import org.rfbactivity.rfb.GeneratedConnections.Part;
import org.rfbactivity.rfb.InputClass;

/**
 * The input filter on rfb-codec's generated connections (any version, inspectable security type, standard or KasmVNC
 * message mix), with any restricted permissions and any fragmentation of the client's bytes (1-byte chunks
 * included): what reaches the server is the client's stream minus exactly the messages of a denied class, the kept
 * bytes are the written buffers themselves or slices of them (nothing copied), every buffer is released, and the
 * dropped counts per class are exact.
 */
class InputFilterProperties {

  private static final List<Integer> ONE_BYTE = List.of(1);

  @Provide
  Arbitrary<Connection> connections() {
    return Arbitraries.oneOf(GeneratedConnections.valid(), GeneratedConnections.kasmValid());
  }

  /** Any set of classes but all of them (a viewer with every permission has no filter). */
  @Provide
  Arbitrary<Integer> restricted() {
    return Arbitraries.integers().between(0, InputClass.ALL_BITS - 1);
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.integers().between(1, 300).list().ofMinSize(1).ofMaxSize(16);
  }

  @Property(tries = 300)
  void theServerGetsTheStreamMinusExactlyTheDeniedMessages(@ForAll("connections") Connection connection,
      @ForAll("restricted") int allowed, @ForAll("chunkSizes") List<Integer> chunkSizes) {
    Expected expected = expected(connection, allowed);
    for (List<Integer> sizes : List.of(chunkSizes, ONE_BYTE)) {
      Run run = run(connection, allowed, sizes);
      assertThat(run.forwarded).as("forwarded client bytes").isEqualTo(expected.bytes);
      assertThat(run.dropped).as("dropped per class").isEqualTo(expected.dropped);
      assertThat(run.closedFor).as("never closed: every generated stream can be followed").isNull();
    }
  }

  /** Which messages the permissions keep, by the framer's classes of the unsplit stream, whose boundaries are the
   * generated messages' (rfb-codec's ClientMessageFramerProperties). */
  private static Expected expected(Connection connection, int allowed) {
    List<Integer> classes = new ArrayList<>();
    ClientMessageFramer framer = new ClientMessageFramer(new ClientMessageBoundaries() {
      @Override
      public void messagesBegin(long offset) {
      }

      @Override
      public void message(int type, int inputClasses, long start, long end) {
        classes.add(inputClasses);
      }

      @Override
      public void lost(Direction direction, BlindReason reason, long offset) {
        throw new AssertionError("generated streams are never lost: " + reason);
      }
    });
    for (Part part : connection.parts()) {
      if (part.fromClient()) {
        framer.clientBytes(Unpooled.wrappedBuffer(part.bytes()));
      } else {
        framer.serverBytes(Unpooled.wrappedBuffer(part.bytes()));
      }
    }
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    long[] dropped = new long[InputClass.values().length];
    int message = 0;
    for (Part part : connection.parts()) {
      if (!part.fromClient()) {
        continue;
      }
      if (!part.message()) {
        kept.writeBytes(part.bytes());
        continue;
      }
      int denied = classes.get(message++) & ~allowed;
      if (denied == 0) {
        kept.writeBytes(part.bytes());
      } else {
        dropped[Integer.numberOfTrailingZeros(denied)]++;
      }
    }
    assertThat(message).as("one class per generated message").isEqualTo(classes.size());
    return new Expected(kept.toByteArray(), List.of(box(dropped)));
  }

  private static Long[] box(long[] values) {
    Long[] out = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private record Expected(byte[] bytes, List<Long> dropped) {
  }

  private static final class Run {
    byte[] forwarded;
    List<Long> dropped;
    String closedFor;
  }

  /** The connection through a filter in an EmbeddedChannel: client parts are writes, cut into {@code sizes}. */
  private static Run run(Connection connection, int allowed, List<Integer> sizes) {
    Run run = new Run();
    InputPermissions permissions = permissions(allowed);
    InputFilter filter = new InputFilter(permissions, new ProxyMetrics(new SimpleMeterRegistry()),
        detail -> run.closedFor = detail);
    EmbeddedChannel channel = new EmbeddedChannel(filter);
    ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
    Map<ByteBuf, Boolean> written = new IdentityHashMap<>();
    List<ByteBuf> inputs = new ArrayList<>();
    int next = 0;
    for (Part part : connection.parts()) {
      byte[] bytes = part.bytes();
      if (!part.fromClient()) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        channel.writeInbound(buf);
        ByteBuf read = channel.readInbound();
        assertThat(read).as("server bytes pass as they are").isSameAs(buf);
        read.release();
        continue;
      }
      for (int at = 0; at < bytes.length; ) {
        int size = Math.min(sizes.get(next++ % sizes.size()), bytes.length - at);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(size + 4).writerIndex(2).readerIndex(2);
        buf.writeBytes(bytes, at, size);
        // The buffer and what it wraps (the leak detector wraps pooled buffers; a slice unwraps to the pooled one)
        for (ByteBuf b = buf; b != null; b = b.unwrap()) {
          written.put(b, true);
        }
        inputs.add(buf);
        channel.writeOutbound(buf);
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
          assertOriginal(out, written);
          forwarded.writeBytes(ByteBufUtil.getBytes(out));
          out.release();
        }
        at += size;
      }
    }
    channel.runPendingTasks();
    assertThat(channel.finishAndReleaseAll()).as("nothing left in the channel").isFalse();
    for (ByteBuf input : inputs) {
      assertThat(input.refCnt()).as("every written buffer released").isZero();
    }
    run.forwarded = forwarded.toByteArray();
    Long[] dropped = new Long[InputClass.values().length];
    for (InputClass c : InputClass.values()) {
      dropped[c.ordinal()] = filter.dropped(c);
    }
    run.dropped = List.of(dropped);
    return run;
  }

  /** A forwarded buffer is a written one, a slice of one, or a composite of those: kept bytes are never copied. */
  private static void assertOriginal(ByteBuf out, Map<ByteBuf, Boolean> written) {
    if (out instanceof CompositeByteBuf composite) {
      for (int i = 0; i < composite.numComponents(); i++) {
        assertOriginal(composite.internalComponent(i), written);
      }
      return;
    }
    ByteBuf b = out;
    while (!written.containsKey(b) && b.unwrap() != null) {
      b = b.unwrap();
    }
    assertThat(written.containsKey(b)).as("forwarded bytes come from a written buffer: %s", out).isTrue();
  }

  private static InputPermissions permissions(int allowed) {
    List<InputClass> classes = new ArrayList<>();
    for (InputClass c : InputClass.values()) {
      if ((allowed & c.bit()) != 0) {
        classes.add(c);
      }
    }
    return InputPermissions.of(classes.toArray(new InputClass[0]));
  }
}
