package org.rfbactivity.proxy.tcp;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import org.rfbactivity.proxy.backend.ConnectionLimiter;
import org.rfbactivity.proxy.backend.FrontendPipeline;
import org.rfbactivity.proxy.backend.RelayServices;

/** Pipeline of a raw TCP viewer: [TLS] → connection limit → relay. */
public final class TcpFrontendInitializer extends ChannelInitializer<SocketChannel> {

  private final RelayServices services;
  private final ConnectionLimiter limiter;
  private final SslContext ssl;

  /** @param ssl TLS context, or null for plain TCP */
  public TcpFrontendInitializer(RelayServices services, ConnectionLimiter limiter, SslContext ssl) {
    this.services = services;
    this.limiter = limiter;
    this.ssl = ssl;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    FrontendPipeline.begin(ch, ssl, limiter);
    ch.pipeline().addLast("relay", new TcpFrontendHandler(services, ssl != null));
  }
}
