package org.rfbactivity.proxy.ws;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import org.rfbactivity.proxy.backend.ConnectionLimiter;
import org.rfbactivity.proxy.backend.FrontendPipeline;
import org.rfbactivity.proxy.backend.RelayServices;

/** Pipeline of a noVNC viewer: [TLS] → connection limit → HTTP (one upgrade request) → upgrade → relay. */
public final class WebSocketFrontendInitializer extends ChannelInitializer<SocketChannel> {

  /** An upgrade request is a request line and a dozen headers; browsers stay far below these limits. */
  static final int MAX_INITIAL_LINE = 8192;
  static final int MAX_HEADER_SIZE = 16 * 1024;
  /** The upgrade GET has no body. */
  static final int MAX_BODY = 0;

  private final RelayServices services;
  private final ConnectionLimiter limiter;
  private final OriginPolicy origins;
  private final SslContext ssl;

  /**
   * @param allowedOrigins normalised {@code --allowed-origin} values
   * @param ssl TLS context, or null for plain WebSocket
   */
  public WebSocketFrontendInitializer(RelayServices services, ConnectionLimiter limiter, List<String> allowedOrigins,
      SslContext ssl) {
    this.services = services;
    this.limiter = limiter;
    this.origins = new OriginPolicy(allowedOrigins);
    this.ssl = ssl;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    FrontendPipeline.begin(ch, ssl, limiter);
    ch.pipeline().addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
    ch.pipeline().addLast("http-aggregate", new HttpObjectAggregator(MAX_BODY));
    ch.pipeline().addLast("upgrade", new WebSocketUpgradeHandler(services, origins, ssl != null));
  }
}
