package org.rfbactivity.rfb;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rfbactivity.proxy.metrics.ProxyMetrics;
import org.rfbactivity.proxy.relay.InputFilter;
import org.rfbactivity.proxy.relay.InputPermissions;

/**
 * The proxy's input filter (a restricted viewer's extra cost, docs/architecture.md#input-permissions) over
 * {@link ClientStreamParserBenchmark}'s transcripts of {@value ClientStreamParserBenchmark#MESSAGES} whole client
 * messages, written as pooled buffers of {@code chunk} bytes into a pipeline whose last outbound handler releases what
 * arrives. Reported times are per client message. {@code permissions}: {@code none} (view-only: every input message
 * dropped), {@code keys} (keys kept, pointer and clipboard dropped: kept and dropped interleave, so kept bytes go on
 * as slices in composites) and {@code all}, the baseline: the same pipeline without the filter, as a viewer with every
 * permission has it. Each write is a retained duplicate of the prebuilt buffer (the filter moves reader indices of what
 * it holds), made in both variants.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class InputFilterBenchmark {

  @Param({"POINTER_KEY", "MIXED_CLIPBOARD"})
  public ClientStreamParserBenchmark.Workload workload;

  @Param({"16", "1460", "65536"})
  public int chunk;

  @Param({"none", "keys", "all"})
  public String permissions;

  private ByteBuf[] chunks;
  private EmbeddedChannel channel;
  private InputFilter filter;
  private boolean closed;

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
    ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    channel = new EmbeddedChannel();
    channel.config().setAllocator(allocator);
    channel.pipeline().addLast(new Sink());
    InputPermissions p = InputPermissions.parse(permissions);
    if (!p.isAll()) {
      filter = new InputFilter(p, new ProxyMetrics(new SimpleMeterRegistry()), detail -> closed = true);
      channel.pipeline().addLast(filter);
    }
    // RFB 3.8 with security type None up to the message phase (docs/protocol.md#handshake).
    server(ascii("RFB 003.008\n"));
    client(ascii("RFB 003.008\n"));
    server(new byte[] {1, 1});
    client(new byte[] {1});
    server(new byte[] {0, 0, 0, 0});
    client(new byte[] {1});
    byte[] stream = ClientStreamParserBenchmark.transcript(workload);
    int count = (stream.length + chunk - 1) / chunk;
    chunks = new ByteBuf[count];
    for (int i = 0; i < count; i++) {
      int from = i * chunk;
      int length = Math.min(chunk, stream.length - from);
      chunks[i] = allocator.heapBuffer(length).writeBytes(stream, from, length);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channel.runPendingTasks();
    if (closed) {
      throw new IllegalStateException("the filter lost sync during the benchmark");
    }
    channel.finishAndReleaseAll();
    for (ByteBuf buf : chunks) {
      buf.release();
    }
  }

  @Benchmark
  @OperationsPerInvocation(ClientStreamParserBenchmark.MESSAGES)
  public void write() {
    EmbeddedChannel target = channel;
    for (ByteBuf buf : chunks) {
      target.write(buf.retainedDuplicate(), target.voidPromise());
    }
  }

  private void server(byte[] bytes) {
    channel.writeInbound(PooledByteBufAllocator.DEFAULT.heapBuffer(bytes.length).writeBytes(bytes));
    for (Object read = channel.readInbound(); read != null; read = channel.readInbound()) {
      ReferenceCountUtil.release(read);
    }
  }

  private void client(byte[] bytes) {
    channel.write(PooledByteBufAllocator.DEFAULT.heapBuffer(bytes.length).writeBytes(bytes), channel.voidPromise());
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
