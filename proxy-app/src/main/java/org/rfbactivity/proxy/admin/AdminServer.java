package org.rfbactivity.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.function.Supplier;

/** Pipeline of an admin HTTP connection (its own port and event loop, loopback by default). */
public final class AdminServer extends ChannelInitializer<SocketChannel> {

  /** Admin requests are GETs without a body. */
  static final int MAX_BODY = 0;
  /** An idle admin connection (a scraper's keep-alive) is closed after this many seconds without a request. */
  static final int IDLE_SECONDS = 60;

  private final AdminHttpHandler handler;

  /**
   * @param stored lookups of sessions this replica does not hold, or null without a database
   * @param bearerToken token required on every endpoint but /healthz and /readyz, or null for none
   */
  public AdminServer(SessionSource sessions, StoredSessions stored, PrometheusMeterRegistry registry,
      Supplier<Readiness> readiness, String bearerToken) {
    ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    this.handler = new AdminHttpHandler(sessions, stored, registry, readiness, bearerToken, json);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast("idle", new ReadTimeoutHandler(IDLE_SECONDS))
        .addLast("http", new HttpServerCodec(4096, 8192, 8192))
        .addLast("aggregate", new HttpObjectAggregator(MAX_BODY))
        .addLast("admin", handler);
  }
}
