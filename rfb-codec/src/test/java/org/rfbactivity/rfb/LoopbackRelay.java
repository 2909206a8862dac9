package org.rfbactivity.rfb;

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
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * A minimal TCP relay on 127.0.0.1 in the shape the inspector documents: the backend channel is opened on the
 * frontend's event loop (one thread sees both directions), auto-read is off and each side reads again only after
 * its last write completed, and the inspector sits on the backend channel (server bytes are reads, client bytes
 * are writes). Test infrastructure only; proxy-app has the real relay.
 */
final class LoopbackRelay implements AutoCloseable {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel acceptor;

  LoopbackRelay(int targetPort, Supplier<RfbInspector> inspectors) throws InterruptedException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    acceptor = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel frontend) {
            frontend.pipeline().addLast(new Frontend(new InetSocketAddress(loopback, targetPort), inspectors));
          }
        })
        .bind(loopback, 0).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) acceptor.localAddress()).getPort();
  }

  @Override
  public void close() {
    acceptor.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static void closeOnFlush(Channel channel) {
    if (channel != null && channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Forwards what it reads to its peer, and reads again only once that write completed (back-pressure). */
  private abstract static class Relay extends ChannelInboundHandlerAdapter {
    abstract Channel peer();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel peer = peer();
      if (peer == null || !peer.isActive()) {
        ReferenceCountUtil.release(msg);
        return;
      }
      peer.writeAndFlush(msg).addListener((ChannelFutureListener) future -> {
        if (future.isSuccess()) {
          ctx.channel().read();
        } else {
          future.channel().close();
        }
      });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeOnFlush(peer());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      closeOnFlush(ctx.channel());
    }
  }

  private static final class Frontend extends Relay {
    private final InetSocketAddress target;
    private final Supplier<RfbInspector> inspectors;
    private Channel backend;

    Frontend(InetSocketAddress target, Supplier<RfbInspector> inspectors) {
      this.target = target;
      this.inspectors = inspectors;
    }

    @Override
    Channel peer() {
      return backend;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel frontend = ctx.channel();
      backend = new Bootstrap()
          .group(frontend.eventLoop())
          .channel(NioSocketChannel.class)
          .option(ChannelOption.AUTO_READ, false)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(inspectors.get(), new Backend(frontend));
            }
          })
          .connect(target)
          .addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
              frontend.read();
            } else {
              frontend.close();
            }
          })
          .channel();
    }
  }

  private static final class Backend extends Relay {
    private final Channel frontend;

    Backend(Channel frontend) {
      this.frontend = frontend;
    }

    @Override
    Channel peer() {
      return frontend;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.read();
    }
  }
}
