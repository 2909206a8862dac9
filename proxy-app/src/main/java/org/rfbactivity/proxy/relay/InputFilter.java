package org.rfbactivity.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.rfbactivity.rfb.BlindReason;
import org.rfbactivity.rfb.ClientMessageBoundaries;
import org.rfbactivity.rfb.ClientMessageFramer;
import org.rfbactivity.rfb.Direction;
import org.rfbactivity.rfb.InputClass;

/**
 * Enforces a viewer's {@link InputPermissions} on the backend channel: removes whole client messages whose
 * {@link InputClass} the viewer lacks and passes every other byte on (docs/architecture.md#input-permissions). It sits
 * after the inspector on the backend pipeline, so client bytes (writes) pass it first and a dropped message is never
 * seen as activity; server bytes (reads) only teach its {@link ClientMessageFramer} the handshake.
 *
 * <p>Kept bytes are not copied: a write that is kept whole is passed on as it came; otherwise the kept ranges go on as
 * retained slices of the written buffers (one composite when there are several). A message whose end is not known yet
 * (a header split across writes, a SetEncodings, gii injection or KasmVNC BinaryClipboard still being read) is held,
 * with what follows it, until its end is known, then forwarded or released.
 *
 * <p>Fails closed: a stream the framer cannot follow (an encrypted or unknown security type, an unframeable message,
 * a message held past {@link #MAX_HELD_BYTES}) drops every client byte from there on and asks for the viewer's close
 * ({@link CloseReason#CANNOT_ENFORCE}), on the event loop's next turn rather than inside this write. Not
 * {@code @Sharable}: one per viewer, on its event loop.
 */
public final class InputFilter extends ChannelDuplexHandler implements ClientMessageBoundaries {

  /**
   * Client bytes held while a message's end is unknown. SetEncodings (at most 262,148 bytes) and gii (65,539) end
   * below it; only a KasmVNC BinaryClipboard can be longer, and a restricted viewer sending one that large is closed
   * rather than buffered without bound.
   */
  static final int MAX_HELD_BYTES = 1 << 20;
  /** Its name in the backend pipeline. */
  public static final String NAME = "input-filter";
  private static final InputClass[] CLASSES = InputClass.values();

  private final int allowed;
  private final RelayMetrics metrics;
  private final Consumer<String> cannotEnforce;
  private final ClientMessageFramer framer = new ClientMessageFramer(this);
  /** Written on the event loop only; read by the admin API's thread (release/acquire, no lock, no allocation). */
  private final AtomicLongArray droppedByClass = new AtomicLongArray(CLASSES.length);
  /** Client bytes not yet decided, oldest first; each one's reader index is at its first undecided byte. */
  private final ArrayDeque<ByteBuf> held = new ArrayDeque<>(2);
  private int heldBytes;
  /** Client stream offset of the first undecided byte. */
  private long position;
  // Decided ranges after position, alternating keep and drop: [previous end, segmentEnds[i])
  private long[] segmentEnds = new long[16];
  private boolean[] segmentKeep = new boolean[16];
  private int segmentHead;
  private int segmentCount;
  private ChannelHandlerContext ctx;
  private boolean lost;

  /**
   * @param permissions what the viewer may send; not {@link InputPermissions#all()} (such a viewer gets no filter)
   * @param cannotEnforce closes the viewer for {@link CloseReason#CANNOT_ENFORCE}, with a detail for its log line
   */
  public InputFilter(InputPermissions permissions, RelayMetrics metrics, Consumer<String> cannotEnforce) {
    if (permissions.isAll()) {
      throw new IllegalArgumentException("a viewer with every permission has no input filter");
    }
    this.allowed = permissions.allowedBits();
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.cannotEnforce = Objects.requireNonNull(cannotEnforce, "cannotEnforce");
  }

  /**
   * Messages of {@code inputClass} dropped so far (a message is counted under the first class it lacks); any thread
   * may ask.
   */
  public long dropped(InputClass inputClass) {
    return droppedByClass.getAcquire(inputClass.ordinal());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!lost && msg instanceof ByteBuf buf) {
      framer.serverBytes(buf);
      if (lost) {
        releaseHeld();
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
      lose("message object " + msg.getClass().getName());
      return;
    }
    if (lost) {
      buf.release();
      promise.trySuccess();
      return;
    }
    if (!buf.isReadable()) {
      ctx.write(buf, promise); // an empty buffer ends a graceful close's writes (GracefulClose)
      return;
    }
    ByteBuf out;
    try {
      framer.clientBytes(buf);
      if (!lost && !framer.inMessagePhase()) {
        decided(framer.clientOffset(), true); // the handshake passes untouched
      }
      held.add(buf);
      heldBytes += buf.readableBytes();
      out = drain();
    } catch (RuntimeException e) {
      // Not into the pipeline: what could not be decided is not sent, and the viewer is closed.
      lose("filter failed: " + e.getClass().getName());
      promise.trySuccess();
      return;
    }
    if (!lost && heldBytes > MAX_HELD_BYTES) {
      lose("message longer than " + MAX_HELD_BYTES + " bytes held");
    }
    if (lost) {
      releaseHeld();
    }
    if (out == null) {
      promise.trySuccess(); // dropped or held: nothing of this write reaches the socket now
    } else {
      ctx.write(out, promise);
    }
  }

  @Override
  public void messagesBegin(long offset) {
    decided(offset, true);
  }

  @Override
  public void message(int type, int inputClasses, long start, long end) {
    int denied = inputClasses & ~allowed;
    if (denied != 0) {
      InputClass first = CLASSES[Integer.numberOfTrailingZeros(denied)];
      int i = first.ordinal();
      droppedByClass.setRelease(i, droppedByClass.getPlain(i) + 1); // one writer: no read-modify-write needed
      metrics.inputDropped(first);
    }
    decided(end, denied == 0);
  }

  @Override
  public void lost(Direction direction, BlindReason reason, long offset) {
    lose("stream cannot be followed: " + reason.name().toLowerCase(Locale.ROOT) + " ("
        + direction.name().toLowerCase(Locale.ROOT) + " offset " + offset + ")");
  }

  /** Fails closed once: nothing more is forwarded, and the viewer's close is queued behind this call. */
  private void lose(String detail) {
    if (lost) {
      return;
    }
    lost = true;
    if (ctx != null) {
      ctx.channel().eventLoop().execute(() -> cannotEnforce.accept(detail));
    }
  }

  /** The bytes up to {@code end} are kept or dropped; neighbours with the same decision merge. */
  private void decided(long end, boolean keep) {
    if (segmentCount > segmentHead && segmentKeep[segmentCount - 1] == keep) {
      segmentEnds[segmentCount - 1] = end;
      return;
    }
    if (segmentCount == segmentEnds.length) {
      if (segmentHead > 0) {
        int live = segmentCount - segmentHead;
        System.arraycopy(segmentEnds, segmentHead, segmentEnds, 0, live);
        System.arraycopy(segmentKeep, segmentHead, segmentKeep, 0, live);
        segmentHead = 0;
        segmentCount = live;
      } else {
        segmentEnds = Arrays.copyOf(segmentEnds, segmentCount * 2);
        segmentKeep = Arrays.copyOf(segmentKeep, segmentCount * 2);
      }
    }
    segmentEnds[segmentCount] = end;
    segmentKeep[segmentCount] = keep;
    segmentCount++;
  }

  /**
   * Walks the held bytes through the decided ranges: kept ones are gathered (a whole held buffer as itself, a part
   * as a retained slice), dropped ones skipped, finished buffers released. Returns what to write, or null.
   */
  private ByteBuf drain() {
    ByteBuf first = null;
    CompositeByteBuf composite = null;
    ByteBuf b;
    while ((b = held.peek()) != null) {
      while (b.isReadable() && segmentHead < segmentCount) {
        long end = segmentEnds[segmentHead];
        int readable = b.readableBytes();
        int n = (int) Math.min(end - position, readable);
        boolean keep = segmentKeep[segmentHead];
        position += n;
        heldBytes -= n;
        if (position == end) {
          segmentHead++;
        }
        if (keep && n == readable) {
          held.poll(); // ownership moves on: the buffer (from its reader index) is written as it is
          if (first == null) {
            first = b;
          } else {
            composite = add(composite, first, b);
          }
          b = null;
          break;
        }
        if (keep) {
          ByteBuf piece = b.retainedSlice(b.readerIndex(), n);
          if (first == null) {
            first = piece;
          } else {
            composite = add(composite, first, piece);
          }
        }
        b.skipBytes(n);
      }
      if (b != null) {
        if (b.isReadable()) {
          break; // undecided: its message's end is not known yet
        }
        held.poll().release();
      }
    }
    if (segmentHead == segmentCount) {
      segmentHead = 0;
      segmentCount = 0;
    }
    return composite != null ? composite : first;
  }

  private CompositeByteBuf add(CompositeByteBuf composite, ByteBuf first, ByteBuf piece) {
    if (composite == null) {
      // No component limit: a composite that outgrows its limit consolidates, that is copies.
      composite = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
      composite.addComponent(true, first);
    }
    composite.addComponent(true, piece);
    return composite;
  }

  private void releaseHeld() {
    for (ByteBuf b = held.poll(); b != null; b = held.poll()) {
      b.release();
    }
    heldBytes = 0;
    segmentHead = 0;
    segmentCount = 0;
  }
}
