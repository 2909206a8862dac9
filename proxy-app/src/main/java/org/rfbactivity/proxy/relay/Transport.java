package org.rfbactivity.proxy.relay;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.function.Supplier;

/**
 * The network transport: the kind of event loop and the channel classes that run on it, which must match. The proxy
 * chooses one where it creates its event loop groups, and its listeners and the {@link BackendConnector} take their
 * channels from the same constant, so a native transport (epoll, io_uring) is one more constant here.
 */
public enum Transport {
  /** Java NIO: every platform, no native library. */
  NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class);

  private final Supplier<IoHandlerFactory> ioHandlers;
  private final Class<? extends ServerSocketChannel> serverChannel;
  private final Class<? extends SocketChannel> socketChannel;

  Transport(Supplier<IoHandlerFactory> ioHandlers, Class<? extends ServerSocketChannel> serverChannel,
      Class<? extends SocketChannel> socketChannel) {
    this.ioHandlers = ioHandlers;
    this.serverChannel = serverChannel;
    this.socketChannel = socketChannel;
  }

  /** A group of {@code threads} event loops named {@code threadPrefix-…}; its threads start on first use. */
  public EventLoopGroup eventLoops(int threads, String threadPrefix) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlers.get());
  }

  /** The channel class of a listener on this transport's event loops. */
  public Class<? extends ServerSocketChannel> serverChannel() {
    return serverChannel;
  }

  /** The channel class of an outgoing connection on this transport's event loops. */
  Class<? extends SocketChannel> socketChannel() {
    return socketChannel;
  }
}
