package org.rfbactivity.proxy.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A scripted RFB 3.8 server for load runs: security type None, a 1024x768 ServerInit, then
 *
 * <ul>
 *   <li>after a non-incremental FramebufferUpdateRequest, an endless stream of raw FramebufferUpdates (one
 *       prebuilt {@value #RECT_WIDTH}x{@value #RECT_HEIGHT} rectangle, re-sent as long as the channel is
 *       writable): the bulk server-to-client load;
 *   <li>for each incremental FramebufferUpdateRequest, one small update of {@value #SMALL_UPDATE_BYTES} bytes,
 *       as a VNC server answers a viewer that requests the next update after each one it receives (noVNC
 *       does, docs/protocol.md#automatic-client-traffic): the request-response load, where each relay's per-message cost shows;
 *   <li>for every PointerEvent, the one-way latency since the client stamped it, from the sequence number
 *       the client packs into x (low 16 bits) and y (high 16 bits) and the shared {@link LatencyProbe}.
 * </ul>
 *
 * Client and server run in the same JVM so both ends read the same {@code System.nanoTime()}.
 */
final class ScriptedRfbServer implements AutoCloseable {

  static final int RECT_WIDTH = 256;
  static final int RECT_HEIGHT = 64;
  /** A 64x16 raw rectangle at 32 bpp plus the 4-byte message and 12-byte rectangle headers. */
  static final int SMALL_UPDATE_BYTES = 4 + 12 + 64 * 16 * 4;

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ByteBuf pixels = buildUpdate(RECT_WIDTH, RECT_HEIGHT);
  private final ByteBuf smallPixels = buildUpdate(64, 16);
  /** Shared by every write: Netty's release after each write must not free them. */
  private final ByteBuf update = Unpooled.unreleasableBuffer(pixels);
  private final ByteBuf smallUpdate = Unpooled.unreleasableBuffer(smallPixels);
  private volatile LatencyProbe probe;
  private Channel serverChannel;

  /** Binds to an ephemeral loopback port. */
  ScriptedRfbServer start() throws InterruptedException {
    serverChannel = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new Session());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    return this;
  }

  int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** The probe that receives PointerEvent arrival times; set before each latency run. */
  void probe(LatencyProbe probe) {
    this.probe = probe;
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    pixels.release();
    smallPixels.release();
  }

  private static ByteBuf buildUpdate(int width, int height) {
    int pixels = width * height * 4;
    ByteBuf buf = Unpooled.directBuffer(4 + 12 + pixels);
    buf.writeByte(0).writeByte(0).writeShort(1);                 // FramebufferUpdate, pad, 1 rectangle
    buf.writeShort(0).writeShort(0).writeShort(width).writeShort(height).writeInt(0); // raw
    for (int i = 0; i < pixels; i++) {
      buf.writeByte(i * 31);                                      // not all zero, so nothing compresses
    }
    return buf;
  }

  /** One connection: the RFB 3.8 None handshake, then client-message framing. */
  private final class Session extends ChannelInboundHandlerAdapter {
    private static final int AWAIT_VERSION = 0;
    private static final int AWAIT_SECURITY_CHOICE = 1;
    private static final int AWAIT_CLIENT_INIT = 2;
    private static final int NORMAL = 3;

    private final ByteBuf pending = Unpooled.buffer(64);
    private int state = AWAIT_VERSION;
    private boolean streaming;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Unpooled.copiedBuffer("RFB 003.008\n", StandardCharsets.US_ASCII));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        pending.writeBytes(in);
      } finally {
        in.release();
      }
      while (step(ctx)) {
        // keep framing while whole messages are buffered
      }
      pending.discardReadBytes();
    }

    private boolean step(ChannelHandlerContext ctx) {
      switch (state) {
        case AWAIT_VERSION:
          if (pending.readableBytes() < 12) {
            return false;
          }
          pending.skipBytes(12);
          ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 1})); // one type: None
          state = AWAIT_SECURITY_CHOICE;
          return true;
        case AWAIT_SECURITY_CHOICE:
          if (!pending.isReadable()) {
            return false;
          }
          pending.skipBytes(1);
          ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0})); // SecurityResult OK
          state = AWAIT_CLIENT_INIT;
          return true;
        case AWAIT_CLIENT_INIT:
          if (!pending.isReadable()) {
            return false;
          }
          pending.skipBytes(1);
          ctx.writeAndFlush(serverInit());
          state = NORMAL;
          return true;
        default:
          return message(ctx);
      }
    }

    private boolean message(ChannelHandlerContext ctx) {
      if (!pending.isReadable()) {
        return false;
      }
      int type = pending.getUnsignedByte(pending.readerIndex());
      int length;
      switch (type) {
        case 0: length = 20; break;                                   // SetPixelFormat
        case 2:                                                        // SetEncodings
          if (pending.readableBytes() < 4) {
            return false;
          }
          length = 4 + 4 * pending.getUnsignedShort(pending.readerIndex() + 2);
          break;
        case 3: length = 10; break;                                    // FramebufferUpdateRequest
        case 4: length = 8; break;                                     // KeyEvent
        case 5: length = 6; break;                                     // PointerEvent
        default:
          ctx.close();                                                 // our client sends nothing else
          return false;
      }
      if (pending.readableBytes() < length) {
        return false;
      }
      int start = pending.readerIndex();
      if (type == 5) {
        LatencyProbe p = probe;
        if (p != null) {
          int seq = pending.getUnsignedShort(start + 2) | (pending.getUnsignedShort(start + 4) << 16);
          p.arrived(seq, System.nanoTime());
        }
      } else if (type == 3 && pending.getByte(start + 1) != 0) {
        ctx.writeAndFlush(smallUpdate.duplicate());                    // incremental: one small update
      } else if (type == 3 && !streaming) {
        streaming = true;
        pump(ctx);
      }
      pending.skipBytes(length);
      return true;
    }

    private ByteBuf serverInit() {
      byte[] name = "rfba-load".getBytes(StandardCharsets.US_ASCII);
      ByteBuf init = Unpooled.buffer(24 + name.length);
      init.writeShort(1024).writeShort(768);
      // PIXEL_FORMAT: 32 bpp, depth 24, little-endian, true colour, max 255/255/255, shifts 16/8/0, 3 pad
      init.writeByte(32).writeByte(24).writeByte(0).writeByte(1)
          .writeShort(255).writeShort(255).writeShort(255)
          .writeByte(16).writeByte(8).writeByte(0).writeZero(3);
      init.writeInt(name.length).writeBytes(name);
      return init;
    }

    private void pump(ChannelHandlerContext ctx) {
      Channel ch = ctx.channel();
      while (ch.isActive() && ch.isWritable()) {
        ch.write(update.duplicate());
      }
      ch.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (streaming && ctx.channel().isWritable()) {
        pump(ctx);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      pending.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a client that goes away mid-stream ends its run; nothing to report
    }
  }
}
