package org.rfbactivity.proxy.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Connects viewers' VNC servers. The backend channel is registered on its viewer's event loop (as in Netty's
 * HexDumpProxy), so both channels of a viewer share one thread and its relay needs no locks. One per proxy.
 */
public final class BackendConnector {

  private final Transport transport;
  private final int connectTimeoutMillis;
  private final TcpKeepAlive keepAlive;

  /**
   * @param transport the transport of the viewers' event loops
   * @param connectTimeout how long a connection attempt may take: the handshake timeout, since a server that does
   *     not answer within it could not make the viewer one in time anyway
   * @param keepAlive the keep-alive of every connection, to the VNC servers and (see {@link RelayServices}) from the
   *     viewers
   */
  public BackendConnector(Transport transport, Duration connectTimeout, TcpKeepAlive keepAlive) {
    this.transport = transport;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.keepAlive = keepAlive;
  }

  TcpKeepAlive keepAlive() {
    return keepAlive;
  }

  /**
   * Connects {@code address} (already resolved, off the event loop, by the route lookup; an IP address or a Unix
   * socket) on {@code frontend}'s event
   * loop. The channel does not read until the relay switches auto-read on; Nagle is off, because input events are
   * tiny and latency-sensitive; keep-alive finds a VNC server whose host vanished.
   *
   * @param halfClose whether the server's FIN is reported to the pipeline rather than closing the channel
   * @param pipeline fills the new channel's pipeline
   */
  ChannelFuture connect(Channel frontend, SocketAddress address, boolean halfClose,
      Consumer<ChannelPipeline> pipeline) {
    if (address instanceof UnixDomainSocketAddress unix) {
      return connectUnix(frontend, unix, halfClose, pipeline);
    }
    return new Bootstrap()
        .group(frontend.eventLoop())
        .channel(transport.socketChannel())
        .resolver(NoopAddressResolverGroup.INSTANCE)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClose)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            keepAlive.apply(ch);
            pipeline.accept(ch.pipeline());
          }
        })
        .connect(address);
  }

  /**
   * A Unix socket target ({@code --unix-target}) on the transport's domain socket channel. No Nagle or keep-alive:
   * neither exists on a local socket, and a server that goes away closes it at once.
   */
  private ChannelFuture connectUnix(Channel frontend, UnixDomainSocketAddress address, boolean halfClose,
      Consumer<ChannelPipeline> pipeline) {
    return new Bootstrap()
        .group(frontend.eventLoop())
        .channel(transport.domainSocketChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClose)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            pipeline.accept(ch.pipeline());
          }
        })
        .connect(transport.domainSocketAddress(address.getPath()));
  }
}
