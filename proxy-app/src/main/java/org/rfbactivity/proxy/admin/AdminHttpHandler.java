package org.rfbactivity.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.rfbactivity.proxy.config.SessionIds;
import org.rfbactivity.proxy.control.DisconnectAnswer;
import org.rfbactivity.proxy.control.DisconnectReason;
import org.rfbactivity.proxy.control.DisconnectTarget;
import org.rfbactivity.proxy.control.DisconnectUnavailableException;
import org.rfbactivity.proxy.control.Disconnects;
import org.rfbactivity.proxy.events.EventHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin endpoints: {@code GET /api/sessions}, {@code GET /api/sessions/{id}}, {@code GET /metrics},
 * {@code GET /api/events}, {@code GET /healthz}, {@code GET /readyz}, and the disconnects
 * {@code DELETE /api/sessions/{id}/viewers} and {@code DELETE /api/viewers/{viewerId}}
 * (docs/architecture.md#control-channel). Each path takes one method. With a bearer token configured every endpoint
 * but the two probes requires {@code Authorization: Bearer <token>} (compared in constant time); {@code /api/events}
 * also takes it as the {@code access_token} query parameter (RFC 6750 §2.3), since a browser's EventSource cannot
 * send headers.
 */
@Sharable
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String JSON = "application/json";
  private static final String SESSIONS = "/api/sessions";
  private static final String EVENTS = "/api/events";
  private static final String ACCESS_TOKEN = "access_token";
  private static final String VIEWERS = "/api/viewers";
  private static final String SESSION_VIEWERS = "/viewers";
  private static final String REASON = "reason";

  private final SessionSource sessions;
  private final PrometheusMeterRegistry registry;
  private final Supplier<Readiness> readiness;
  private final ClusterSessions cluster;
  private final byte[] bearer;
  private final ObjectMapper json;
  private final EventHub events;
  private final Disconnects disconnects;

  /**
   * @param sessions this replica's live view, the answer without a database
   * @param cluster the cluster-wide answer with a shared database, or null without one
   * @param bearerToken token required on non-probe endpoints, or null for none
   * @param disconnects the DELETEs' closes, here and (with a database) on the other replicas
   */
  AdminHttpHandler(SessionSource sessions, ClusterSessions cluster, PrometheusMeterRegistry registry,
      Supplier<Readiness> readiness, String bearerToken, ObjectMapper json, EventHub events, Disconnects disconnects) {
    this.sessions = sessions;
    this.cluster = cluster;
    this.registry = registry;
    this.readiness = readiness;
    this.bearer = bearerToken == null ? null : ("Bearer " + bearerToken).getBytes(StandardCharsets.UTF_8);
    this.json = json;
    this.events = events;
    this.disconnects = disconnects;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
    FullHttpResponse response;
    try {
      response = respond(ctx, request, keepAlive);
      if (response == null) {
        return; // answered later, from the database
      }
    } catch (RuntimeException | JsonProcessingException e) {
      log.warn("admin request failed: {}", e.getClass().getSimpleName());
      response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
    }
    send(ctx, response, keepAlive);
  }

  /** Answers when the database has: {@code found} is the body, or empty for 404 {@code unknown session}. */
  private void answerLater(ChannelHandlerContext ctx, CompletableFuture<Optional<Object>> lookup, boolean keepAlive) {
    lookup.whenComplete((found, failure) -> ctx.executor().execute(() -> {
      FullHttpResponse response;
      try {
        if (failure != null) {
          log.warn("admin session lookup failed: {}", failure.getClass().getSimpleName());
          response = body(HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
              json.writeValueAsBytes(Map.of("error", "store unavailable")));
        } else if (found.isEmpty()) {
          response = body(HttpResponseStatus.NOT_FOUND, JSON,
              json.writeValueAsBytes(Map.of("error", "unknown session")));
        } else {
          response = body(HttpResponseStatus.OK, JSON, json.writeValueAsBytes(found.get()));
        }
      } catch (JsonProcessingException e) {
        response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
      }
      send(ctx, response, keepAlive);
    }));
  }

  private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setKeepAlive(response, keepAlive);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (keepAlive) {
      ctx.writeAndFlush(response);
      if (!ctx.channel().isWritable()) {
        // A client that pipelines requests and leaves the answers unread is not read until it catches up;
        // otherwise answers would queue without bound. The idle timeout ends it if it never does.
        ctx.channel().config().setAutoRead(false);
      }
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  /**
   * The response, or null when the cluster's answer comes from the database (then {@link #answerLater} sends it)
   * or when an event stream was opened.
   */
  private FullHttpResponse respond(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive)
      throws JsonProcessingException {
    if (!request.decoderResult().isSuccess()) {
      return text(HttpResponseStatus.BAD_REQUEST, "malformed request\n");
    }
    String path = pathOf(request);
    if (path == null) {
      return text(HttpResponseStatus.BAD_REQUEST, "malformed URI encoding\n");
    }
    HttpMethod allowed = isDisconnect(path) ? HttpMethod.DELETE : HttpMethod.GET;
    if (!allowed.equals(request.method())) {
      FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only " + allowed + "\n");
      r.headers().set(HttpHeaderNames.ALLOW, allowed.name());
      return r;
    }
    if (Dashboard.serves(path)) {
      return Dashboard.answer(path); // the page holds no data: served without the token, which it asks for
    }
    if (path.equals("/healthz")) {
      return text(HttpResponseStatus.OK, "ok\n");
    }
    if (path.equals("/readyz")) {
      Readiness r = readiness.get();
      return body(r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
          json.writeValueAsBytes(r));
    }
    boolean eventStream = path.equals(EVENTS);
    if (!authorised(request) && !(eventStream && authorisedByQuery(request))) {
      FullHttpResponse r = text(HttpResponseStatus.UNAUTHORIZED, "bearer token required\n");
      r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"rfb-activity\"");
      return r;
    }
    if (eventStream) {
      EventHub.Refusal refusal = events.open(ctx.channel(), request);
      if (refusal != null) {
        return text(refusal.status(), refusal.message());
      }
      // The stream lasts for as long as the client stays: no idle timeout, and this handler answers nothing more.
      if (ctx.pipeline().get(AdminServer.IDLE) != null) {
        ctx.pipeline().remove(AdminServer.IDLE);
      }
      ctx.pipeline().remove(ctx.name());
      return null;
    }
    if (allowed == HttpMethod.DELETE) {
      return disconnect(ctx, request, path, keepAlive);
    }
    if (path.equals("/metrics")) {
      return body(HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
    if (path.equals(SESSIONS)) {
      if (cluster != null) {
        answerLater(ctx, cluster.sessions().thenApply(Optional::of), keepAlive);
        return null;
      }
      return body(HttpResponseStatus.OK, JSON, json.writeValueAsBytes(sessions.sessions()));
    }
    if (path.startsWith(SESSIONS + "/")) {
      String id = path.substring(SESSIONS.length() + 1);
      if (cluster != null) {
        answerLater(ctx, cluster.session(id).thenApply(found -> found.map(Object.class::cast)), keepAlive);
        return null;
      }
      Optional<SessionJson> one = sessions.session(id);
      if (one.isPresent()) {
        return body(HttpResponseStatus.OK, JSON, json.writeValueAsBytes(one.get()));
      }
      return body(HttpResponseStatus.NOT_FOUND, JSON, json.writeValueAsBytes(Map.of("error", "unknown session")));
    }
    return text(HttpResponseStatus.NOT_FOUND, "not found\n");
  }

  /** {@code /api/sessions/{id}/viewers} or {@code /api/viewers/{viewerId}}, the paths that take DELETE only. */
  private static boolean isDisconnect(String path) {
    return (path.startsWith(SESSIONS + "/") && path.endsWith(SESSION_VIEWERS)
        && path.length() > SESSIONS.length() + 1 + SESSION_VIEWERS.length())
        || (path.startsWith(VIEWERS + "/") && path.length() > VIEWERS.length() + 1);
  }

  /**
   * Closes a session's viewers or one viewer on every replica, off the event loop; answers 400 for a bad reason and
   * 404 for an id no replica holds (an id that cannot be one is not looked up).
   */
  private FullHttpResponse disconnect(ChannelHandlerContext ctx, FullHttpRequest request, String path,
      boolean keepAlive) throws JsonProcessingException {
    String reason;
    try {
      List<String> given = new QueryStringDecoder(request.uri()).parameters().get(REASON);
      if (given != null && given.size() > 1) {
        throw new IllegalArgumentException("reason given more than once");
      }
      reason = DisconnectReason.check(given == null ? null : given.get(0));
    } catch (IllegalArgumentException e) {
      return body(HttpResponseStatus.BAD_REQUEST, JSON, json.writeValueAsBytes(Map.of("error", e.getMessage())));
    }
    DisconnectTarget target;
    String unknown;
    if (path.startsWith(VIEWERS + "/")) {
      target = DisconnectTarget.viewer(path.substring(VIEWERS.length() + 1));
      unknown = "unknown viewer";
    } else {
      target = DisconnectTarget.session(
          path.substring(SESSIONS.length() + 1, path.length() - SESSION_VIEWERS.length()));
      unknown = "no viewer of this session";
    }
    String id = target.sessionId() != null ? target.sessionId() : target.viewerId();
    // Ids are printable ASCII without URL delimiters (session ids by SessionIds, viewer ids by construction).
    if (!SessionIds.isValid(id)) {
      return body(HttpResponseStatus.NOT_FOUND, JSON, json.writeValueAsBytes(Map.of("error", unknown)));
    }
    disconnects.disconnect(target, reason).whenComplete((found, failure) -> ctx.executor().execute(() -> {
      FullHttpResponse response;
      try {
        if (failure != null) {
          Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
          response = unavailable(cause);
        } else if (found.isEmpty()) {
          response = body(HttpResponseStatus.NOT_FOUND, JSON, json.writeValueAsBytes(Map.of("error", unknown)));
        } else {
          response = body(HttpResponseStatus.OK, JSON, json.writeValueAsBytes(found.get()));
        }
      } catch (JsonProcessingException e) {
        response = text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
      }
      send(ctx, response, keepAlive);
    }));
    return null;
  }

  /** 503: the database could not be reached (with what this replica closed before), or too many disconnects. */
  private FullHttpResponse unavailable(Throwable cause) throws JsonProcessingException {
    Map<String, Object> answer = new LinkedHashMap<>();
    if (cause instanceof DisconnectUnavailableException e) {
      answer.put("error", "store unavailable");
      DisconnectAnswer partial = e.partial();
      answer.put("closed", partial.closed());
    } else if (cause instanceof RejectedExecutionException) {
      answer.put("error", "too many disconnects under way");
    } else {
      log.warn("admin disconnect failed: {}", cause.getClass().getSimpleName());
      answer.put("error", "internal error");
    }
    return body(HttpResponseStatus.SERVICE_UNAVAILABLE, JSON, json.writeValueAsBytes(answer));
  }

  /** The decoded path, or null when its percent-encoding is broken. */
  private static String pathOf(FullHttpRequest request) {
    try {
      return new QueryStringDecoder(request.uri()).path();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private boolean authorised(FullHttpRequest request) {
    if (bearer == null) {
      return true;
    }
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    return header != null && MessageDigest.isEqual(bearer, header.getBytes(StandardCharsets.UTF_8));
  }

  /** The token as {@code ?access_token=}, compared in constant time like the header; the URI is never logged. */
  private boolean authorisedByQuery(FullHttpRequest request) {
    List<String> given = new QueryStringDecoder(request.uri()).parameters().get(ACCESS_TOKEN);
    return given != null && given.size() == 1
        && MessageDigest.isEqual(bearer, ("Bearer " + given.get(0)).getBytes(StandardCharsets.UTF_8));
  }

  private static FullHttpResponse text(HttpResponseStatus status, String text) {
    return body(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  private static FullHttpResponse body(HttpResponseStatus status, String contentType, byte[] bytes) {
    ByteBuf content = Unpooled.wrappedBuffer(bytes);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return r;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("admin connection error: {}", cause.getClass().getSimpleName());
    ctx.close();
  }
}
