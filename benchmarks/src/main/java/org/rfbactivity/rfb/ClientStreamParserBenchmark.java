package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The client→server path of {@link RfbInspector} (the same {@code inspect} call its {@code write} makes) over a
 * prebuilt transcript of {@value #MESSAGES} client messages, delivered as pooled buffers of {@code chunk} bytes.
 * Reported times are per client message. Two baselines run beside it over the same buffers: the handler's
 * per-buffer floor (byte counting only, as when the connection is blind) and a loop that reads every byte once
 * with an absolute getter (the cheapest byte-at-a-time scanner).
 *
 * <p>Workloads: pointer/key-heavy (what a user produces), update-request-heavy (what an idle viewer of a changing
 * screen produces), mixed with clipboard bodies (1 KiB ClientCutText every 64 messages, skipped unread), and
 * KasmVNC's web client (11-byte PointerEvents and KeyEvents, a FrameStats every 16 messages, a KeepAlive every 64
 * and a 256-byte BinaryClipboard every 128, docs/protocol.md#kasmvnc-client-messages), after a SetEncodings that
 * announces the dialect.
 *
 * <p>The transport-neutral entry point ({@link RfbStreamInspector}, the same parser without Netty) runs beside it
 * over the same transcript cut the same way: {@code neutralArray} as {@code byte[]} slices, {@code neutralBuffer} as
 * {@code ByteBuffer}s (heap or direct, as {@code memory} says).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class ClientStreamParserBenchmark {

  static final int MESSAGES = 16384;

  public enum Workload { POINTER_KEY, UPDATE_REQUEST, MIXED_CLIPBOARD, KASM }

  @Param
  public Workload workload;

  @Param({"1", "16", "1460", "65536"})
  public int chunk;

  @Param({"heap", "direct"})
  public String memory;

  private ByteBuf[] chunks;
  private byte[][] arrays;
  private ByteBuffer[] buffers;
  private RfbInspector inspector;
  private RfbStreamInspector streams;
  private CountingListener listener;

  @Setup(Level.Trial)
  public void setUp() {
    ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    listener = new CountingListener();
    inspector = new RfbInspector(listener);
    streams = new RfbStreamInspector(listener);
    // RFB 3.8 with security type None up to the message phase (docs/protocol.md#handshake).
    feed(allocator, Direction.SERVER_TO_CLIENT, ascii("RFB 003.008\n"));
    feed(allocator, Direction.CLIENT_TO_SERVER, ascii("RFB 003.008\n"));
    feed(allocator, Direction.SERVER_TO_CLIENT, new byte[] {1, 1});
    feed(allocator, Direction.CLIENT_TO_SERVER, new byte[] {1});
    feed(allocator, Direction.SERVER_TO_CLIENT, new byte[] {0, 0, 0, 0});
    feed(allocator, Direction.CLIENT_TO_SERVER, new byte[] {1});
    if (workload == Workload.KASM) {
      // SetEncodings [Tight, KasmVNC DisconnectNotify]: the dialect holds from here on
      feed(allocator, Direction.CLIENT_TO_SERVER, new byte[] {2, 0, 0, 2, 0, 0, 0, 7, -1, -1, -8, -93});
    }
    byte[] stream = transcript(workload);
    int count = (stream.length + chunk - 1) / chunk;
    chunks = new ByteBuf[count];
    arrays = new byte[count][];
    buffers = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      int from = i * chunk;
      int length = Math.min(chunk, stream.length - from);
      ByteBuf buf = memory.equals("heap") ? allocator.heapBuffer(length) : allocator.directBuffer(length);
      chunks[i] = buf.writeBytes(stream, from, length);
      arrays[i] = java.util.Arrays.copyOfRange(stream, from, from + length);
      buffers[i] = (memory.equals("heap") ? ByteBuffer.allocate(length) : ByteBuffer.allocateDirect(length))
          .put(stream, from, length).flip();
    }
    if (inspector.isBlind() || streams.isBlind()) {
      throw new IllegalStateException("transcript is not valid RFB");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown(Blackhole blackhole) {
    if (inspector.isBlind() || streams.isBlind()) {
      throw new IllegalStateException("the inspector lost sync during the benchmark");
    }
    blackhole.consume(listener.inputs + listener.coordinates + listener.keys + listener.clipboardBytes);
    for (ByteBuf buf : chunks) {
      buf.release();
    }
  }

  /** The inspector over the whole transcript; the transcript is whole messages, so passes repeat in sync. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void inspect() {
    RfbInspector target = inspector;
    for (ByteBuf buf : chunks) {
      target.inspect(Direction.CLIENT_TO_SERVER, buf);
    }
  }

  /** The transport-neutral entry point over the same transcript as {@code byte[]} slices. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void neutralArray() {
    RfbStreamInspector target = streams;
    for (byte[] array : arrays) {
      target.clientBytes(array, 0, array.length);
    }
  }

  /** The transport-neutral entry point over the same transcript as {@code ByteBuffer}s of {@code memory}'s kind. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public void neutralBuffer() {
    RfbStreamInspector target = streams;
    for (ByteBuffer buffer : buffers) {
      target.clientBytes(buffer);
    }
  }

  /** Baseline: what the handler costs per buffer without parsing (a blind connection). */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public long baselineCountBytes() {
    long total = 0;
    for (ByteBuf buf : chunks) {
      total += buf.readableBytes();
    }
    return total;
  }

  /** Baseline: read every byte once with an absolute getter. */
  @Benchmark
  @OperationsPerInvocation(MESSAGES)
  public int baselineReadEveryByte() {
    int sum = 0;
    for (ByteBuf buf : chunks) {
      for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
        sum += buf.getByte(i);
      }
    }
    return sum;
  }

  private void feed(ByteBufAllocator allocator, Direction direction, byte[] bytes) {
    ByteBuf buf = allocator.heapBuffer(bytes.length).writeBytes(bytes);
    try {
      inspector.inspect(direction, buf);
      if (direction == Direction.CLIENT_TO_SERVER) {
        streams.clientBytes(bytes, 0, bytes.length);
      } else {
        streams.serverBytes(bytes, 0, bytes.length);
      }
    } finally {
      buf.release();
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** {@value #MESSAGES} whole client messages (docs/protocol.md#client-messages) for the workload. */
  static byte[] transcript(Workload workload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < MESSAGES; i++) {
      switch (workload) {
        case POINTER_KEY:
          pointerOrKey(out, i);
          break;
        case UPDATE_REQUEST:
          if (i % 16 == 15) {
            fence(out);
          } else {
            updateRequest(out);
          }
          break;
        case MIXED_CLIPBOARD:
          if (i % 64 == 63) {
            cutText(out, 1024, i % 128 == 127);
          } else if (i % 4 == 0) {
            updateRequest(out);
          } else {
            pointerOrKey(out, i);
          }
          break;
        case KASM:
          if (i % 128 == 127) {
            binaryClipboard(out, 256);
          } else if (i % 64 == 63) {
            out.write(185); // KeepAlive
          } else if (i % 16 == 15) {
            out.writeBytes(new byte[] {(byte) 179, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 9}); // FrameStats
          } else {
            kasmPointerOrKey(out, i);
          }
          break;
        default:
          throw new IllegalArgumentException(workload.name());
      }
    }
    return out.toByteArray();
  }

  /** Alternates PointerEvents (moves, a button press and release) and KeyEvents (down, up). */
  private static void pointerOrKey(ByteArrayOutputStream out, int i) {
    int x = 100 + (i & 0xFF);
    switch (i & 7) {
      case 0, 1 -> pointer(out, 0, x, 200);
      case 2 -> pointer(out, 1, x, 200);
      case 3 -> pointer(out, 0, x, 200);
      case 4, 6 -> key(out, true, 0x61 + (i & 0xF));
      default -> key(out, false, 0x61 + (i & 0xF));
    }
  }

  /** As {@link #pointerOrKey}, with KasmVNC's 11-byte PointerEvent; every 8th pointer event scrolls. */
  private static void kasmPointerOrKey(ByteArrayOutputStream out, int i) {
    int x = 100 + (i & 0xFF);
    switch (i & 7) {
      case 0 -> kasmPointer(out, 0, x, 200, 0);
      case 1 -> kasmPointer(out, 0, x, 200, (i & 8) == 0 ? 0 : -120);
      case 2 -> kasmPointer(out, 1, x, 200, 0);
      case 3 -> kasmPointer(out, 0, x, 200, 0);
      case 4, 6 -> key(out, true, 0x61 + (i & 0xF));
      default -> key(out, false, 0x61 + (i & 0xF));
    }
  }

  private static void kasmPointer(ByteArrayOutputStream out, int mask, int x, int y, int scrollY) {
    out.write(5);
    out.write(mask >>> 8);
    out.write(mask);
    out.write(x >>> 8);
    out.write(x);
    out.write(y >>> 8);
    out.write(y);
    out.write(0); // scroll x
    out.write(0);
    out.write(scrollY >>> 8);
    out.write(scrollY);
  }

  /** BinaryClipboard with one text/plain entry of {@code length} data bytes. */
  private static void binaryClipboard(ByteArrayOutputStream out, int length) {
    out.writeBytes(new byte[] {(byte) 180, 1, 10});
    out.writeBytes(ascii("text/plain"));
    writeInt(out, length);
    out.writeBytes(new byte[length]);
  }

  private static void pointer(ByteArrayOutputStream out, int mask, int x, int y) {
    out.write(5);
    out.write(mask);
    out.write(x >>> 8);
    out.write(x);
    out.write(y >>> 8);
    out.write(y);
  }

  private static void key(ByteArrayOutputStream out, boolean down, int keysym) {
    out.write(4);
    out.write(down ? 1 : 0);
    out.write(0);
    out.write(0);
    writeInt(out, keysym);
  }

  private static void updateRequest(ByteArrayOutputStream out) {
    out.writeBytes(new byte[] {3, 1, 0, 0, 0, 0, 4, 0, 3, 0}); // incremental 1024x768
  }

  private static void fence(ByteArrayOutputStream out) {
    out.writeBytes(new byte[] {(byte) 248, 0, 0, 0, (byte) 0x80, 0, 0, 2, 4, 1, 2, 3, 4});
  }

  private static void cutText(ByteArrayOutputStream out, int length, boolean extended) {
    out.writeBytes(new byte[] {6, 0, 0, 0});
    writeInt(out, extended ? -length : length);
    out.writeBytes(new byte[length]);
  }

  private static void writeInt(ByteArrayOutputStream out, int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }

  /**
   * A minimal real consumer: counts inputs and sums coordinates, as a bridge would hand them on. The inspector's
   * own counters (release stores) are side effects too, so no parsing can be optimised away.
   */
  static final class CountingListener implements RfbListener {
    long inputs;
    long coordinates;
    long keys;
    long clipboardBytes;

    @Override
    public void input(InputKind kind) {
      inputs++;
    }

    @Override
    public void key(boolean down, int keysym) {
      keys++;
    }

    @Override
    public void pointer(InputKind kind, int buttonMask, int x, int y) {
      coordinates += x + y;
    }

    @Override
    public void clipboard(long length, boolean extended) {
      clipboardBytes += length;
    }
  }
}
