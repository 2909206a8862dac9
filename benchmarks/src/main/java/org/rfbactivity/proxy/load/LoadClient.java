package org.rfbactivity.proxy.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A minimal RFB 3.8 viewer for load runs, over raw TCP or WebSocket (binary subprotocol, as noVNC speaks):
 * it completes the None handshake, then either drains a framebuffer stream (counting bytes) or sends
 * PointerEvents at a fixed rate, stamping each one in a {@link LatencyProbe}.
 */
final class LoadClient implements AutoCloseable {

  enum Transport { TCP, WEBSOCKET }

  private final Channel channel;
  private final RfbViewer viewer;
  private volatile ScheduledFuture<?> inputTask;

  private LoadClient(Channel channel, RfbViewer viewer) {
    this.channel = channel;
    this.viewer = viewer;
  }

  /**
   * Connects and completes the RFB handshake (ServerInit received). For WebSocket, {@code path} is the
   * request path including any query, e.g. {@code /websockify}.
   */
  static LoadClient connect(EventLoopGroup group, Transport transport, int port, String path)
      throws Exception {
    return connect(group, transport, port, path, null);
  }

  /** As {@link #connect(EventLoopGroup, Transport, int, String)}, from the local address {@code source}. */
  static LoadClient connect(EventLoopGroup group, Transport transport, int port, String path, InetAddress source)
      throws Exception {
    RfbViewer viewer = new RfbViewer(group.next().newPromise());
    Channel channel = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            if (transport == Transport.WEBSOCKET) {
              p.addLast(new HttpClientCodec());
              p.addLast(new HttpObjectAggregator(64 * 1024));
              p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                  .webSocketUri(URI.create("ws://127.0.0.1:" + port + path))
                  .subprotocol("binary")
                  .maxFramePayloadLength(16 * 1024 * 1024)
                  .handshakeTimeoutMillis(10_000)
                  .build()));
              p.addLast(new FrameToBytes());
              p.addLast(new BytesToFrame());
            }
            p.addLast(viewer);
          }
        })
        .connect(new InetSocketAddress("127.0.0.1", port), source == null ? null : new InetSocketAddress(source, 0))
        .sync().channel();
    viewer.handshakeDone.await(15, TimeUnit.SECONDS);
    if (!viewer.handshakeDone.isSuccess()) {
      channel.close();
      throw new IllegalStateException("RFB handshake through port " + port + " did not complete",
          viewer.handshakeDone.cause());
    }
    return new LoadClient(channel, viewer);
  }

  /** Asks for framebuffer updates; the scripted server then streams until the connection closes. */
  void requestUpdates() {
    ByteBuf msg = Unpooled.buffer(18);
    msg.writeByte(2).writeByte(0).writeShort(1).writeInt(0);                       // SetEncodings [Raw]
    msg.writeByte(3).writeByte(0).writeShort(0).writeShort(0).writeShort(1024).writeShort(768); // FBUR
    channel.writeAndFlush(msg);
  }

  /** Payload bytes received since the handshake finished. */
  long receivedBytes() {
    return viewer.received;
  }

  /**
   * Starts the request-response loop: an incremental FramebufferUpdateRequest, and the next one as soon as the
   * whole small update has arrived, until the connection closes.
   */
  void startRequestResponse() {
    channel.eventLoop().execute(() -> {
      viewer.requestResponse = true;
      viewer.requestNext(channel);
    });
  }

  /** Small updates received in full by the request-response loop. */
  long completedUpdates() {
    return viewer.completed;
  }

  /** Sends {@code probe.capacity()} PointerEvents at {@code perSecond}, on this client's event loop. */
  Future<?> sendPointerEvents(LatencyProbe probe, int perSecond) {
    Promise<Void> done = channel.eventLoop().newPromise();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    int[] next = {0};
    ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
    task[0] = channel.eventLoop().scheduleAtFixedRate(() -> {
      int seq = next[0]++;
      if (seq >= probe.capacity() || !channel.isActive()) {
        task[0].cancel(false);
        done.trySuccess(null);
        return;
      }
      ByteBuf event = channel.alloc().buffer(6);
      event.writeByte(5).writeByte(0).writeShort(seq & 0xFFFF).writeShort(seq >>> 16); // PointerEvent
      probe.sent(seq, System.nanoTime());
      channel.writeAndFlush(event);
    }, 0, periodNanos, TimeUnit.NANOSECONDS);
    return done;
  }

  /** One PointerEvent at (x, y), written and flushed now; a position other than the last one counts as input. */
  void pointer(int x, int y) {
    ByteBuf event = channel.alloc().buffer(6);
    event.writeByte(5).writeByte(0).writeShort(x).writeShort(y);
    channel.writeAndFlush(event);
  }

  /**
   * A person at the desktop: every {@code period} one PointerEvent (a position that changes, so it counts as input)
   * and an incremental FramebufferUpdateRequest, which the scripted server answers with a small update.
   */
  void startInput(long periodNanos) {
    int[] step = {0};
    inputTask = channel.eventLoop().scheduleAtFixedRate(() -> {
      if (!channel.isActive()) {
        inputTask.cancel(false);
        return;
      }
      int x = step[0]++ & 0x3FF;
      ByteBuf msg = channel.alloc().buffer(16);
      msg.writeByte(5).writeByte(0).writeShort(x).writeShort(x & 0x2FF);                   // PointerEvent
      msg.writeByte(3).writeByte(1).writeShort(0).writeShort(0).writeShort(64).writeShort(16); // FBUR, incremental
      channel.writeAndFlush(msg);
    }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  boolean isActive() {
    return channel.isActive();
  }

  @Override
  public void close() {
    if (inputTask != null) {
      inputTask.cancel(false);
    }
    channel.close().syncUninterruptibly();
  }

  /** The RFB client side: version, None, ClientInit, ServerInit; then counting. */
  private static final class RfbViewer extends ChannelInboundHandlerAdapter {
    private final Promise<Void> handshakeDone;
    private final ByteBuf pending = Unpooled.buffer(64);
    private int step;
    private volatile long received;
    private long receivedLocal;
    /** Request-response mode (event-loop confined): bytes of the current small update still expected. */
    private boolean requestResponse;
    private int outstanding;
    private volatile long completed;
    private long completedLocal;

    RfbViewer(Promise<Void> handshakeDone) {
      this.handshakeDone = handshakeDone;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        if (handshakeDone.isDone()) {
          receivedLocal += in.readableBytes();
          received = receivedLocal;
          if (requestResponse) {
            outstanding -= in.readableBytes();
            if (outstanding <= 0) {     // the scripted server answers each request with exactly one update
              completed = ++completedLocal;
              requestNext(ctx.channel());
            }
          }
          return;
        }
        pending.writeBytes(in);
        handshake(ctx);
      } finally {
        in.release();
      }
    }

    private void handshake(ChannelHandlerContext ctx) {
      for (;;) {
        switch (step) {
          case 0: // ProtocolVersion
            if (pending.readableBytes() < 12) {
              return;
            }
            pending.skipBytes(12);
            ctx.writeAndFlush(Unpooled.copiedBuffer("RFB 003.008\n", StandardCharsets.US_ASCII));
            step = 1;
            break;
          case 1: // security types: U8 n + n types; choose None
            if (!pending.isReadable() || pending.readableBytes() < 1 + pending.getUnsignedByte(0)) {
              return;
            }
            pending.skipBytes(1 + pending.getUnsignedByte(0));
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
            step = 2;
            break;
          case 2: // SecurityResult
            if (pending.readableBytes() < 4) {
              return;
            }
            if (pending.readInt() != 0) {
              handshakeDone.tryFailure(new IllegalStateException("security failed"));
              return;
            }
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})); // ClientInit, shared
            step = 3;
            break;
          default: // ServerInit: 24 bytes + name
            if (pending.readableBytes() < 24 || pending.readableBytes() < 24 + pending.getInt(20)) {
              return;
            }
            int extra = pending.readableBytes() - 24 - pending.getInt(20);
            receivedLocal = extra;
            received = extra;
            pending.release();
            handshakeDone.trySuccess(null);
            return;
        }
        pending.discardReadBytes();
      }
    }

    void requestNext(Channel channel) {
      outstanding = ScriptedRfbServer.SMALL_UPDATE_BYTES;
      ByteBuf request = channel.alloc().buffer(10);
      request.writeByte(3).writeByte(1).writeShort(0).writeShort(0).writeShort(64).writeShort(16); // incremental
      channel.writeAndFlush(request);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!handshakeDone.isDone()) {
        pending.release();
        handshakeDone.tryFailure(new IllegalStateException("closed during the RFB handshake"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      handshakeDone.tryFailure(cause);
      ctx.close();
    }
  }

  /** WebSocket binary frames in, their payload bytes out. */
  private static final class FrameToBytes extends MessageToMessageDecoder<BinaryWebSocketFrame> {
    @Override
    protected void decode(ChannelHandlerContext ctx, BinaryWebSocketFrame frame, List<Object> out) {
      out.add(frame.content().retain());
    }
  }

  /** RFB bytes out as binary frames. */
  private static final class BytesToFrame extends MessageToMessageEncoder<ByteBuf> {
    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
      out.add(new BinaryWebSocketFrame(bytes.retain()));
    }
  }
}
