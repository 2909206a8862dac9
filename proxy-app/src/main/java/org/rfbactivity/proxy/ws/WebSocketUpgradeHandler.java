package org.rfbactivity.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.rfbactivity.proxy.config.SessionIds;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.FrontendHandler;
import org.rfbactivity.proxy.relay.GracefulClose;
import org.rfbactivity.proxy.relay.OpenListener;
import org.rfbactivity.proxy.relay.RefusalReason;
import org.rfbactivity.proxy.relay.RelayServices;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.route.RouteRequest;

/**
 * Turns one HTTP request into a relayed WebSocket, websockify-style: {@code GET /websockify} (or {@code /})
 * and {@code GET /vnc/{id}}, token in {@code ?token=}. Everything is checked before the upgrade, so a refusal is
 * an HTTP status (400, 403, 404, 405, 502, 503) rather than a WebSocket that opens and dies: path, upgrade
 * headers, WebSocket version, Origin, then the route (off the event loop when it needs I/O), then the VNC
 * server connection. Only then is the 101 sent and this handler replaced by {@link WebSocketRelayHandler}.
 */
final class WebSocketUpgradeHandler extends FrontendHandler implements OpenListener {

  /**
   * Largest frame payload, both ways. From the viewer: noVNC sends input in frames of at most its 10 KiB send buffer
   * ({@code core/websock.js}); 64 KiB leaves room for other clients while bounding what one connection can
   * make the decoder hold (it buffers a whole frame). Bigger frames close the connection with 1009. To the viewer:
   * the most {@link ServerFramer} puts in one frame.
   */
  static final int MAX_FRAME_PAYLOAD = 64 * 1024;
  /** websockify's path; noVNC's default {@code path} setting. */
  static final String WEBSOCKIFY_PATH = "/websockify";
  static final String VNC_PATH_PREFIX = "/vnc/";
  /** The only subprotocol: raw RFB bytes in binary frames (the old base64 one is not supported). */
  static final String SUBPROTOCOL = "binary";
  /** RFC 6455's {@code Sec-WebSocket-Version}. */
  static final String WEBSOCKET_VERSION = "13";
  /** Immutable, so one for every connection. */
  private static final WebSocketDecoderConfig DECODER = WebSocketDecoderConfig.newBuilder()
      .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
      .expectMaskedFrames(true)
      .allowMaskMismatch(false)
      .allowExtensions(false)
      .closeOnProtocolViolation(false) // the relay sends the Close frame and drains, see CloseReason.FRAME_ERROR
      .build();

  private final RelayServices services;
  private final OriginPolicy origins;
  private final boolean tls;
  private final boolean frameBudget;
  private final PingSchedule pings;
  /**
   * Whether the viewer (and its handshake timer) starts at accept, as without {@code --web}; with it, at the first
   * request that is not a file's ({@link StaticFileHandler}), so that a page load is never counted as a viewer.
   */
  private final boolean viewerAtAccept;
  private final WebSocketProtocol protocol = new WebSocketProtocol();
  private ChannelHandlerContext ctx;
  private boolean requestSeen;
  /** Set when the request passed every check: what answers it once the VNC server is connected. */
  private WebSocketServerHandshaker handshaker;
  private FullHttpRequest upgradeRequest;

  WebSocketUpgradeHandler(RelayServices services, OriginPolicy origins, boolean tls, boolean frameBudget,
      PingSchedule pings, boolean viewerAtAccept) {
    super(null);
    this.viewerAtAccept = viewerAtAccept;
    this.services = services;
    this.origins = origins;
    this.tls = tls;
    this.frameBudget = frameBudget;
    this.pings = pings;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (viewerAtAccept) {
      viewer = new ViewerConnection(ctx.channel(), protocol, services);
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (viewer == null && !viewerAtAccept && !requestSeen && ctx.channel().isActive()) {
      viewer = new ViewerConnection(ctx.channel(), protocol, services);
    }
    if (!(msg instanceof FullHttpRequest request) || requestSeen || viewer == null) {
      ReferenceCountUtil.release(msg); // one request per connection; anything after it is not ours to relay
      return;
    }
    requestSeen = true;
    ctx.channel().config().setAutoRead(false);
    try {
      handle(ctx, request);
    } finally {
      request.release();
    }
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      reject(ctx, HttpResponseStatus.BAD_REQUEST, RefusalReason.BAD_REQUEST, "malformed HTTP request");
      return;
    }
    if (!HttpMethod.GET.equals(request.method())) {
      reject(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, RefusalReason.BAD_REQUEST, "method is not GET");
      return;
    }
    String path;
    List<String> tokens;
    try {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      path = uri.path();
      tokens = uri.parameters().get("token");
    } catch (IllegalArgumentException e) {
      reject(ctx, HttpResponseStatus.BAD_REQUEST, RefusalReason.BAD_REQUEST, "malformed URI encoding");
      return;
    }
    String pathId = null;
    if (path.startsWith(VNC_PATH_PREFIX)) {
      pathId = path.substring(VNC_PATH_PREFIX.length());
      if (!SessionIds.isValid(pathId)) {
        reject(ctx, HttpResponseStatus.NOT_FOUND, RefusalReason.BAD_REQUEST, "path id is not a valid session id");
        return;
      }
    } else if (!path.equals(WEBSOCKIFY_PATH) && !path.equals("/")) {
      reject(ctx, HttpResponseStatus.NOT_FOUND, RefusalReason.BAD_REQUEST, "unknown path");
      return;
    }
    if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        || request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY, "").isBlank()) {
      // RFC 6455 §4.2.1: checked here, before the route and the VNC server, not by the handshaker after them.
      reject(ctx, HttpResponseStatus.BAD_REQUEST, RefusalReason.BAD_REQUEST, "not a WebSocket upgrade");
      return;
    }
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (!origins.permits(origin, request.headers().get(HttpHeaderNames.HOST))) {
      reject(ctx, HttpResponseStatus.FORBIDDEN, RefusalReason.ORIGIN, "origin not allowed: " + LogSafe.text(origin));
      return;
    }
    // Only RFC 6455 (version 13), never a draft or the hixie-76 handshake.
    if (!WEBSOCKET_VERSION.equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "").trim())) {
      viewer.refuse(RefusalReason.BAD_REQUEST, "unsupported WebSocket version");
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
          .addListener(sent -> GracefulClose.close(ctx.channel(), Unpooled.EMPTY_BUFFER));
      return;
    }
    String url = (tls ? "wss://" : "ws://") + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
    handshaker = new WebSocketServerHandshaker13(url, SUBPROTOCOL, DECODER);
    // The handshake needs the request's headers after the lookup; keep a copy without the (refcounted) body.
    upgradeRequest = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
        Unpooled.EMPTY_BUFFER, request.headers().copy(), request.trailingHeaders().copy());
    viewer.open(new RouteRequest(pathId, tokens == null || tokens.isEmpty() ? null : tokens.get(0)), this);
  }

  /** The VNC server is connected: the 101 goes out, and this handler makes way for the relay's. */
  @Override
  public void connected() {
    ChannelFuture handshake;
    try {
      handshake = handshaker.handshake(ctx.channel(), upgradeRequest);
    } catch (RuntimeException e) {
      // The request was checked before the route lookup; this is the backstop that keeps the exception in here.
      viewer.close(CloseReason.CLIENT_ERROR, "WebSocket handshake failed: " + e.getClass().getSimpleName());
      return;
    }
    handshake.addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        viewer.close(CloseReason.CLIENT_ERROR, "WebSocket handshake failed: " + f.cause().getClass().getSimpleName());
        return;
      }
      if (viewer.isClosed()) {
        return;
      }
      ctx.pipeline().replace(this, "ws-relay", new WebSocketRelayHandler(viewer, protocol,
          frameBudget ? FrameBudget.perViewer() : FrameBudget.unlimited()));
      ctx.pipeline().addBefore("ws-relay", ServerFramer.NAME, new ServerFramer());
      if (pings.enabled()) {
        ctx.pipeline().addBefore("ws-relay", "ws-ping", new WebSocketPing(viewer, pings));
      }
      viewer.startRelay();
    });
  }

  /** A refusal by {@link ViewerConnection#open} as an HTTP status: 403 no route, 503 no route source, 502 no server. */
  @Override
  public void refused(RefusalReason reason) {
    respond(ctx, switch (reason) {
      case ROUTE -> HttpResponseStatus.FORBIDDEN;
      case ROUTE_UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
      case BACKEND -> HttpResponseStatus.BAD_GATEWAY;
      default -> throw new IllegalArgumentException("not a refusal of the route or the server: " + reason);
    });
  }

  private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, RefusalReason refusal, String reason) {
    viewer.refuse(refusal, reason);
    respond(ctx, status);
  }

  /**
   * The refusal's answer: a short plain-text status, and the connection closed gracefully, so that what the client
   * sent after its request (garbage beyond the first read, a pipelined request) cannot turn the close into a reset that
   * destroys the answer before the client reads it.
   */
  private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status) {
    ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + status.reasonPhrase() + "\n", CharsetUtil.US_ASCII);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    GracefulClose.close(ctx.channel(), response);
  }
}
