package org.rfbactivity.proxy.ws;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.List;
import org.rfbactivity.proxy.relay.ConnectionLimiter;
import org.rfbactivity.proxy.relay.FrontendKind;
import org.rfbactivity.proxy.relay.FrontendPipeline;
import org.rfbactivity.proxy.relay.RelayServices;

/**
 * Pipeline of a noVNC viewer: [TLS] → connection limit → HTTP (one upgrade request) → [static files, with
 * {@code --web}] → upgrade → relay.
 */
public final class WebSocketFrontendInitializer extends ChannelInitializer<SocketChannel> {

  /** An upgrade request is a request line and a dozen headers; browsers stay far below these limits. */
  static final int MAX_INITIAL_LINE = 8192;
  static final int MAX_HEADER_SIZE = 16 * 1024;
  /** The upgrade GET has no body. */
  static final int MAX_BODY = 0;
  /**
   * Most bytes read from one WebSocket viewer per turn of its event loop. Every frame in them is decoded (and, once
   * decoded, relayed) before the loop serves anyone else, and a frame can be 6 bytes: 2 KiB is at most about 340
   * frames, well under a millisecond, where Netty's default (16 reads of up to 64 KiB) would be 175,000 frames and
   * tens of milliseconds. A viewer's input is tiny; a large paste still moves at 2 KiB per turn of the loop (a 1 MiB
   * paste takes 512 turns, each a few microseconds when nothing else is waiting).
   */
  static final int MAX_READ_BYTES = 2 * 1024;
  /**
   * With {@code --web}, a connection whose answer makes no progress for this long (a client that stopped reading a
   * file) is closed; waiting for a request is bounded by the request timeout.
   */
  static final int WEB_IDLE_SECONDS = 30;

  private final RelayServices services;
  /** Shared by this listener's connections; the limits themselves are the proxy's, across both frontends. */
  private final ConnectionLimiter limiter;
  private final OriginPolicy origins;
  private final SslContext ssl;
  private final boolean frameBudget;
  private final PingSchedule pings;
  private final WebRoot web;
  private final Duration requestTimeout;

  /**
   * @param allowedOrigins normalised {@code --allowed-origin} values
   * @param ssl TLS context, or null for plain WebSocket
   * @param frameBudget whether each viewer gets a {@link FrameBudget} (off only in the relay benchmark)
   * @param pings when quiet viewers are pinged ({@link WebSocketPing})
   * @param web the directory of {@code --web}, or null when no files are served
   * @param requestTimeout with {@code --web}, how long a connection may take to send each complete request, from its
   *     accept or the previous answer (the handshake timeout, whose timer starts only with the upgrade request then)
   */
  public WebSocketFrontendInitializer(RelayServices services, List<String> allowedOrigins, SslContext ssl,
      boolean frameBudget, PingSchedule pings, WebRoot web, Duration requestTimeout) {
    this.web = web;
    this.requestTimeout = requestTimeout;
    this.services = services;
    this.limiter = new ConnectionLimiter(services, FrontendKind.WEBSOCKET);
    this.origins = new OriginPolicy(allowedOrigins);
    this.ssl = ssl;
    this.frameBudget = frameBudget;
    this.pings = pings;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(64, MAX_READ_BYTES, MAX_READ_BYTES)
        .maxMessagesPerRead(1));
    FrontendPipeline.begin(ch, ssl, limiter, services.keepAlive());
    ch.pipeline().addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192));
    ch.pipeline().addLast("http-aggregate", new HttpObjectAggregator(MAX_BODY));
    if (web != null) {
      ch.pipeline().addLast(StaticFileHandler.IDLE, new IdleStateHandler(true, 0, 0, WEB_IDLE_SECONDS, TimeUnit.SECONDS));
      ch.pipeline().addLast(StaticFileHandler.CHUNKED, new ChunkedWriteHandler());
      ch.pipeline().addLast(StaticFileHandler.NAME, new StaticFileHandler(web, requestTimeout));
    }
    ch.pipeline().addLast("upgrade", new WebSocketUpgradeHandler(services, origins, ssl != null, frameBudget, pings,
        web == null));
  }
}
