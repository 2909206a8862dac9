package org.rfbactivity.proxy.relay;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.TransportKind;

/**
 * The network transport: the kind of event loop and the channel classes that run on it, which must match. The proxy
 * chooses one ({@link #choose}) where it creates its event loop groups, and its listeners and the
 * {@link BackendConnector} take their channels from it.
 *
 * <p>The native ones need Linux and the library Netty ships for the machine's architecture; io_uring also needs a
 * kernel (and a seccomp profile, as container runtimes apply) that allows it. Where one does not load, Netty says why
 * ({@link #unavailabilityCause()}).
 *
 * <p>{@link TransportKind#AUTO} takes epoll, else NIO, never io_uring: under a WebSocket frame flood Netty's io_uring
 * loop keeps serving the flooding socket's completions ahead of its other work, and the proxy's flood test
 * ({@code FrameFloodIT}) saw its event loops' tasks delayed by 55–165 ms at the 99th percentile where epoll and NIO
 * stay under 10 ms. io_uring is there for whoever asks for it by name, and for measuring.
 */
public enum Transport {
  /** Linux io_uring: reads and writes submitted in batches to the kernel. */
  IO_URING(TransportKind.IO_URING, IoUringIoHandler::newFactory, IoUringServerSocketChannel.class,
      IoUringSocketChannel.class, IoUringDomainSocketChannel.class),
  /** Linux epoll, edge-triggered, with Netty's own native socket calls. */
  EPOLL(TransportKind.EPOLL, EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollSocketChannel.class,
      EpollDomainSocketChannel.class),
  /** Java NIO: every platform, no native library. */
  NIO(TransportKind.NIO, NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class,
      NioDomainSocketChannel.class);

  private final TransportKind kind;
  private final Supplier<IoHandlerFactory> ioHandlers;
  private final Class<? extends ServerSocketChannel> serverChannel;
  private final Class<? extends SocketChannel> socketChannel;
  private final Class<? extends Channel> domainSocketChannel;

  Transport(TransportKind kind, Supplier<IoHandlerFactory> ioHandlers,
      Class<? extends ServerSocketChannel> serverChannel, Class<? extends SocketChannel> socketChannel,
      Class<? extends Channel> domainSocketChannel) {
    this.domainSocketChannel = domainSocketChannel;
    this.kind = kind;
    this.ioHandlers = ioHandlers;
    this.serverChannel = serverChannel;
    this.socketChannel = socketChannel;
  }

  /**
   * The transport for {@code wanted}: itself when it works here; for {@link TransportKind#AUTO} epoll when it works
   * here, else NIO (which always does).
   *
   * @throws ConfigException naming {@code --transport} when the one asked for does not work here, with Netty's reason
   */
  public static Transport choose(TransportKind wanted) {
    if (wanted == TransportKind.AUTO) {
      return EPOLL.isAvailable() ? EPOLL : NIO;
    }
    for (Transport transport : values()) {
      if (transport.kind == wanted) {
        if (!transport.isAvailable()) {
          throw new ConfigException("--transport", wanted.label(), "not available here: "
              + transport.unavailabilityCause());
        }
        return transport;
      }
    }
    throw new IllegalArgumentException("no transport for " + wanted);
  }

  /** Whether this transport's event loops and channels can be created on this machine. */
  public boolean isAvailable() {
    return switch (this) {
      case IO_URING -> IoUring.isAvailable();
      case EPOLL -> Epoll.isAvailable();
      case NIO -> true;
    };
  }

  /** Why {@link #isAvailable()} is false, as Netty found it; null when it is available. */
  public String unavailabilityCause() {
    Throwable cause = switch (this) {
      case IO_URING -> IoUring.unavailabilityCause();
      case EPOLL -> Epoll.unavailabilityCause();
      case NIO -> null;
    };
    if (cause == null) {
      return null;
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** {@code io_uring}, {@code epoll} or {@code nio}: the ready line's word and the metric's tag. */
  public String label() {
    return kind.label();
  }

  /** A group of {@code threads} event loops named {@code threadPrefix-…}; its threads start on first use. */
  public EventLoopGroup eventLoops(int threads, String threadPrefix) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix), ioHandlers.get());
  }

  /** The channel class of a listener on this transport's event loops. */
  public Class<? extends ServerSocketChannel> serverChannel() {
    return serverChannel;
  }

  /** The channel class of an outgoing Unix domain socket connection on this transport's event loops. */
  Class<? extends Channel> domainSocketChannel() {
    return domainSocketChannel;
  }

  /**
   * {@code path} as this transport's domain socket channels take it: Netty's own address for the native transports,
   * the JDK's for NIO (whose channel is the JDK's Unix socket channel, Java 16 and later).
   */
  SocketAddress domainSocketAddress(Path path) {
    return this == NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path.toString());
  }

  /** The channel class of an outgoing connection on this transport's event loops. */
  Class<? extends SocketChannel> socketChannel() {
    return socketChannel;
  }
}
