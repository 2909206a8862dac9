package org.rfbactivity.examples.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.activity.ActivityConfig;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.examples.PrintedTransitions;
import org.rfbactivity.examples.TrackedConnection;
import org.rfbactivity.rfb.RfbInspector;

/**
 * A minimal VNC TCP proxy with the inspector and the tracker: each viewer is relayed to one VNC server (one session),
 * with an {@link RfbInspector} on the backend channel reporting to a {@link TrackedConnection}. Both channels share
 * one event loop (docs/protocol.md#one-event-loop-for-both-directions); a channel reads again once its last read
 * was written (back-pressure without buffering).
 */
public final class MinimalNettyProxy implements AutoCloseable {

  private final ActivityTracker tracker;
  private final String sessionId;
  private final InetSocketAddress vncServer;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  /** A proxy to {@code vncServer}, whose viewers are the tracker's session {@code sessionId}. */
  public MinimalNettyProxy(ActivityTracker tracker, String sessionId, InetSocketAddress vncServer) {
    this.tracker = tracker;
    this.sessionId = sessionId;
    this.vncServer = vncServer;
  }

  /** Listens on {@code address} (port 0: any free port) and returns where it listens. */
  public InetSocketAddress start(InetSocketAddress address) throws InterruptedException {
    return (InetSocketAddress) new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel viewer) {
            viewer.pipeline().addLast(new Relay(new TrackedConnection(tracker, sessionId, viewer.id().asShortText()),
                true, null));
          }
        })
        .bind(address).sync().channel().localAddress();
  }

  /** Closes the listener and every connection (each viewer's close reaches the tracker), within 2 s. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * One direction's relay. The viewer's side opens the backend on its own event loop when it becomes active, with
   * the inspector first on the backend's pipeline; each side then writes what it reads to its peer.
   */
  private final class Relay extends ChannelInboundHandlerAdapter {
    private final TrackedConnection tracked;
    private final boolean fromViewer;
    private Channel peer;

    Relay(TrackedConnection tracked, boolean fromViewer, Channel peer) {
      this.tracked = tracked;
      this.fromViewer = fromViewer;
      this.peer = peer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (!fromViewer) { // the backend's side: its peer is known
        return;
      }
      Channel viewer = ctx.channel();
      peer = new Bootstrap().group(viewer.eventLoop()).channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel backend) {
              backend.pipeline().addLast(new RfbInspector(tracked), new Relay(tracked, false, viewer));
            }
          })
          .connect(vncServer).addListener((ChannelFutureListener) connected -> {
            if (connected.isSuccess()) {
              viewer.read();
              connected.channel().read();
            } else {
              viewer.close();
            }
          }).channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (fromViewer) {
        tracked.clientBytesRelayed();
      }
      peer.writeAndFlush(msg).addListener(readOrClose(ctx.channel()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      tracked.closed(fromViewer ? "client_closed" : "server_closed");
      if (peer != null && peer.isActive()) {
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** After a write: read the next bytes from {@code source}, or close it if the write failed. */
  private static ChannelFutureListener readOrClose(Channel source) {
    return written -> {
      if (written.isSuccess()) {
        source.read();
      } else {
        source.close();
      }
    };
  }

  /** {@code MinimalNettyProxy 5900 127.0.0.1 5901 desk-1}: prints every state change of the session. */
  public static void main(String[] args) throws InterruptedException {
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder()
        .listener(new PrintedTransitions(System.out::println)).build());
    tracker.start();
    InetSocketAddress vnc = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    System.out.println("listening on " + new MinimalNettyProxy(tracker, args[3], vnc)
        .start(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]))));
  }
}
