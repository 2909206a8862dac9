package org.rfbactivity.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What framing the server's bytes for a WebSocket viewer costs per server read (docs/architecture.md#websocket-frames):
 * a burst of {@code reads} pooled buffers of {@code size} bytes written into an {@link EmbeddedChannel} and flushed,
 * whose last outbound handler releases what arrives (the socket's place, without the socket). {@code framing}:
 * {@code encoder} wraps each read in a {@link BinaryWebSocketFrame} for Netty's {@link WebSocket08FrameEncoder}, as the
 * proxy did before (one frame per read, payloads up to 1 KiB copied behind the header); {@code framer} writes the
 * buffers as they are through {@link ServerFramer} (one frame per burst, nothing copied), with the encoder still in
 * the pipeline, as in a viewer's. Reported times are per burst; divide by {@code reads} for a read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class ServerFramingBenchmark {

  /** 200: a small update or a cursor; 4112: the load run's request-response update; 65536: a bulk read. */
  @Param({"200", "4112", "65536"})
  public int size;

  @Param({"1", "4"})
  public int reads;

  @Param({"encoder", "framer"})
  public String framing;

  private ByteBuf payload;
  private EmbeddedChannel channel;
  private boolean framer;

  /** Releases every write: the socket's place, without the socket. */
  private static final class Sink extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    channel = new EmbeddedChannel();
    channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
    channel.pipeline().addLast(new Sink(), new WebSocket08FrameEncoder(false));
    framer = framing.equals("framer");
    if (framer) {
      channel.pipeline().addLast(new ServerFramer());
    }
    payload = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeZero(size);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channel.finishAndReleaseAll();
    payload.release();
  }

  @Benchmark
  public void burst() {
    for (int i = 0; i < reads; i++) {
      // A retained duplicate stands for a fresh read: the write releases it, as it releases a read.
      ByteBuf read = payload.retainedDuplicate();
      channel.write(framer ? read : new BinaryWebSocketFrame(read));
    }
    channel.flush();
  }
}
