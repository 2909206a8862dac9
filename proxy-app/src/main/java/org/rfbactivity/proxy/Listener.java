package org.rfbactivity.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.regex.Pattern;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.relay.Transport;

/**
 * One listening socket of the proxy, or {@link #NONE} when its flag says {@code none}. It is bound without accepting,
 * so that a port in use stops the start before anyone is served; {@link #accept()} then opens it.
 */
final class Listener {

  private static final Pattern NATIVE_PREFIX = Pattern.compile("^\\w+\\(\\.\\.\\) failed with error\\(-?\\d+\\): ");

  /** Pending connections the kernel may queue while the loop accepts; viewers arrive in bursts after a restart. */
  static final int ACCEPT_BACKLOG = 1024;

  /** A listener that is off. */
  static final Listener NONE = new Listener(null);

  /** Null for {@link #NONE}. */
  private final Channel channel;

  private Listener(Channel channel) {
    this.channel = channel;
  }

  /**
   * Binds {@code listen} on {@code group} without accepting yet.
   *
   * @param flag the flag that configured it, for the error
   * @param childAutoRead whether accepted connections read at once (the frontends that must not, until their VNC
   *     server is connected, start with it off)
   * @throws ConfigException when the host is unknown or the port cannot be bound
   */
  static Listener bind(Transport transport, String flag, HostPort listen, EventLoopGroup group, boolean childAutoRead,
      ChannelHandler initializer) {
    InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
    if (address.isUnresolved()) {
      throw new ConfigException(flag, listen.toString(), "unknown host");
    }
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
        .option(ChannelOption.AUTO_READ, false) // accept nothing until every listener is bound
        .childOption(ChannelOption.AUTO_READ, childAutoRead)
        .childOption(ChannelOption.TCP_NODELAY, true) // input events are tiny and latency-sensitive
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(initializer);
    ChannelFuture f = b.bind(address).awaitUninterruptibly();
    if (!f.isSuccess()) {
      Throwable cause = f.cause();
      throw new ConfigException(flag, listen.toString(), "cannot listen: " + reason(cause), cause);
    }
    return new Listener(f.channel());
  }

  /**
   * The operating system's words for a failed bind, the same on every transport: the native ones prefix them with the
   * call and the error number ({@code bind(..) failed with error(-98): Address already in use}), NIO does not.
   */
  static String reason(Throwable cause) {
    if (cause.getMessage() == null) {
      return cause.getClass().getSimpleName();
    }
    return NATIVE_PREFIX.matcher(cause.getMessage()).replaceFirst("");
  }

  /** Starts accepting connections. */
  void accept() {
    if (channel != null) {
      channel.config().setAutoRead(true);
    }
  }

  /** The bound address, or null when off. */
  InetSocketAddress address() {
    return channel == null ? null : (InetSocketAddress) channel.localAddress();
  }

  /** The bound address as the ready line shows it ({@code 127.0.0.1:5900}), or {@code off}. */
  String describe() {
    return channel == null ? "off" : channel.localAddress().toString().replaceFirst("^/", "");
  }

  /** Stops listening; connections already accepted stay open. */
  void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly();
    }
  }
}
