package org.rfbactivity.proxy.tcp;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import org.rfbactivity.proxy.relay.ConnectionLimiter;
import org.rfbactivity.proxy.relay.FrontendKind;
import org.rfbactivity.proxy.relay.FrontendPipeline;
import org.rfbactivity.proxy.relay.RelayServices;

/** Pipeline of a raw TCP viewer: [TLS] → connection limit → relay; plain TCP allows half-closure. */
public final class TcpFrontendInitializer extends ChannelInitializer<SocketChannel> {

  private final RelayServices services;
  /** Shared by this listener's connections; the limits themselves are the proxy's, across both frontends. */
  private final ConnectionLimiter limiter;
  private final SslContext ssl;

  /** @param ssl TLS context, or null for plain TCP */
  public TcpFrontendInitializer(RelayServices services, SslContext ssl) {
    this.services = services;
    this.limiter = new ConnectionLimiter(services, FrontendKind.TCP);
    this.ssl = ssl;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    // Plain TCP carries half-close: a viewer's FIN is passed on and the server's answer still reaches it. (TLS ends
    // with close_notify, which is a close, not a half-close.)
    ch.config().setAllowHalfClosure(ssl == null);
    FrontendPipeline.begin(ch, ssl, limiter, services.keepAlive());
    ch.pipeline().addLast("relay", new TcpFrontendHandler(services, ssl != null));
  }
}
