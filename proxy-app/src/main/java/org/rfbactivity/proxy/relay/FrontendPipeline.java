package org.rfbactivity.proxy.relay;

import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;

/**
 * The start every frontend connection shares: its TCP keep-alive, then in the pipeline TLS first when configured, then
 * the connection limit.
 */
public final class FrontendPipeline {

  private FrontendPipeline() {}

  /** @param ssl TLS context, or null for plain TCP */
  public static void begin(SocketChannel ch, SslContext ssl, ConnectionLimiter limiter, TcpKeepAlive keepAlive) {
    keepAlive.apply(ch);
    if (ssl != null) {
      ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
    }
    ch.pipeline().addLast("limit", limiter);
  }
}
