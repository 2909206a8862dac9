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
import org.rfbactivity.proxy.control.Disconnects;
import org.rfbactivity.proxy.events.EventHub;

/** Pipeline of an admin HTTP connection (its own port and event loop, loopback by default). */
public final class AdminServer extends ChannelInitializer<SocketChannel> {

  /** Admin requests (GETs and DELETEs) have no body. */
  static final int MAX_BODY = 0;
  /**
   * An idle admin connection (a scraper's keep-alive) is closed after this many seconds without a request; an event
   * stream takes this handler out.
   */
  static final int IDLE_SECONDS = 60;
  static final String IDLE = "idle";

  private final AdminHttpHandler handler;

  /**
   * @param sessions this replica's live view, the answer without a database
   * @param cluster the cluster-wide answer with a shared database, or null without one
   * @param bearerToken token required on every endpoint but /healthz and /readyz, or null for none
   * @param events the streams of {@code /api/events}
   * @param disconnects the {@code DELETE}s' closes, on this replica and through the database on the others
   */
  public AdminServer(SessionSource sessions, ClusterSessions cluster, PrometheusMeterRegistry registry,
      Supplier<Readiness> readiness, String bearerToken, EventHub events, Disconnects disconnects) {
    ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    this.handler = new AdminHttpHandler(sessions, cluster, registry, readiness, bearerToken, json, events,
        disconnects);
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast(IDLE, new ReadTimeoutHandler(IDLE_SECONDS))
        .addLast("http", new HttpServerCodec(4096, 8192, 8192))
        .addLast("aggregate", new HttpObjectAggregator(MAX_BODY))
        .addLast("admin", handler);
  }
}
