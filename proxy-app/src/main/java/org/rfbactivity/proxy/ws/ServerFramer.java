package org.rfbactivity.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;

/**
 * Frames the VNC server's bytes for a WebSocket viewer without copying them: the server's buffers (written as plain
 * {@link ByteBuf}s by the relay) are held until the flush that ends the server's read burst, then written as one
 * binary frame: a header of its own (2, 4 or 10 bytes; a server's frames are not masked, RFC 6455 §5.1) followed by
 * the buffers themselves, as separate writes that the transport sends with one gathering write. Netty's frame encoder
 * would allocate a frame object per read and copy payloads up to 1 KiB into the header.
 *
 * <p>The reads of one burst go out as one frame, up to {@link #MAX_PAYLOAD} bytes: a frame is closed before a read that
 * would take it over, and a single read larger than that is cut into slices of the same buffer. The split carries no
 * meaning: a viewer reads RFB as a byte stream across frames (docs/protocol.md#websocket). Anything else written (a
 * Close, Ping or Pong frame) first sends what is held, so frames keep the order they were written in.
 *
 * <p>Each server buffer keeps its own write promise, so the relay's write listener sees the outcome of its own bytes;
 * a header's promise is nobody's, as the payload behind it fails with it. What is held is bounded by one read burst,
 * which the flush at its end sends: writability, and the relay's back-pressure on it, see every byte from then on.
 * One per connection, on its event loop.
 */
final class ServerFramer extends ChannelOutboundHandlerAdapter {

  static final String NAME = "ws-frames";
  /**
   * Largest payload of a frame to the viewer: the same bound as the viewer's frames to us, which is also the default
   * limit of common WebSocket clients' decoders (Netty's 64 KiB), so a non-browser viewer can read every frame.
   */
  static final int MAX_PAYLOAD = WebSocketUpgradeHandler.MAX_FRAME_PAYLOAD;
  /** FIN set, opcode binary (RFC 6455 §5.2). */
  private static final int FIN_BINARY = 0x82;
  /** A burst is rarely more than Netty's 16 reads per turn; the arrays grow when it is. */
  private static final int INITIAL_CAPACITY = 16;

  private ByteBuf[] held = new ByteBuf[INITIAL_CAPACITY];
  private ChannelPromise[] promises = new ChannelPromise[INITIAL_CAPACITY];
  private int count;
  private int heldBytes;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
      // A control frame, or an empty buffer, which carries nothing to frame: after what is held, as it was written.
      writeHeld(ctx);
      ctx.write(msg, promise);
      return;
    }
    int n = buf.readableBytes();
    if ((long) heldBytes + n > MAX_PAYLOAD) {
      writeHeld(ctx);
    }
    while (n > MAX_PAYLOAD) {
      // Only a read larger than a whole frame: slices of it, the last of which keeps the write's promise.
      writeHeader(ctx, MAX_PAYLOAD);
      ctx.write(buf.readRetainedSlice(MAX_PAYLOAD), ctx.newPromise());
      n -= MAX_PAYLOAD;
    }
    hold(buf, promise, n);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    writeHeld(ctx);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    // Into the channel's outbound buffer, which sends or fails them with its own rules on the close.
    writeHeld(ctx);
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    // The pipeline is being torn down with a burst still held (the channel is gone): nothing can be sent.
    for (int i = 0; i < count; i++) {
      held[i].release();
      promises[i].tryFailure(new ClosedChannelException());
      held[i] = null;
      promises[i] = null;
    }
    count = 0;
    heldBytes = 0;
  }

  private void hold(ByteBuf buf, ChannelPromise promise, int n) {
    if (count == held.length) {
      held = Arrays.copyOf(held, count * 2);
      promises = Arrays.copyOf(promises, count * 2);
    }
    held[count] = buf;
    promises[count] = promise;
    count++;
    heldBytes += n;
  }

  /** Writes what is held as one frame (without flushing); nothing when nothing is held. */
  private void writeHeld(ChannelHandlerContext ctx) {
    if (count == 0) {
      return;
    }
    writeHeader(ctx, heldBytes);
    int n = count;
    count = 0;
    heldBytes = 0;
    for (int i = 0; i < n; i++) {
      ByteBuf buf = held[i];
      ChannelPromise promise = promises[i];
      held[i] = null;
      promises[i] = null;
      ctx.write(buf, promise);
    }
  }

  private static void writeHeader(ChannelHandlerContext ctx, int payloadLength) {
    ByteBuf header;
    if (payloadLength <= 125) {
      header = ctx.alloc().buffer(2).writeByte(FIN_BINARY).writeByte(payloadLength);
    } else if (payloadLength <= 0xFFFF) {
      header = ctx.alloc().buffer(4).writeByte(FIN_BINARY).writeByte(126).writeShort(payloadLength);
    } else {
      header = ctx.alloc().buffer(10).writeByte(FIN_BINARY).writeByte(127).writeLong(payloadLength);
    }
    ctx.write(header, ctx.newPromise());
  }
}
