package org.rfbactivity.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code --web}, the first handler after HTTP decoding on the WebSocket port: answers {@code GET} and
 * {@code HEAD} requests that carry no {@code Upgrade} header with files of the {@link WebRoot}, on one kept-alive
 * connection if the client wishes (a page and its scripts). The first request with an {@code Upgrade} header, or any
 * other method, goes on to {@link WebSocketUpgradeHandler} unchanged, and this handler leaves the pipeline with its
 * helpers: from then on the connection is a viewer's, as without {@code --web}.
 *
 * <p>A file's contents are sent by {@link ChunkedNioFile} in {@link #CHUNK_SIZE} pieces, each read when the previous one
 * was written: the event loop never reads more than one chunk at a time, and a slow reader holds one chunk, not the
 * file. Requests are answered one at a time; reading stops while an answer is being written, and a request that
 * arrives meanwhile (HTTP pipelining, which browsers do not use) ends the connection after the answer.
 */
final class StaticFileHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(StaticFileHandler.class);
  /** Names in the pipeline: this handler and its helpers, removed together when a viewer's request passes. */
  static final String NAME = "web";
  static final String CHUNKED = "web-chunked";
  static final String IDLE = "web-idle";
  /** One read of the file per write to the client: small enough for the event loop, large enough for throughput. */
  static final int CHUNK_SIZE = 16 * 1024;
  /** Browsers revalidate each time (noVNC's files change with an upgrade, and the ETag makes that cheap). */
  static final String CACHE_CONTROL = "no-cache";

  private final WebRoot root;
  private final Duration requestTimeout;
  /** Closes the connection unless a whole request arrives in time; null while a request is being answered. */
  private ScheduledFuture<?> requestDeadline;
  /** True while an answer is being written: another request then is pipelined. */
  private boolean busy;
  private boolean closeAfterAnswer;

  /**
   * @param requestTimeout how long each complete request may take to arrive, from the accept or the previous answer:
   *     a client that trickles a request (slow loris) is closed as one that trickles a handshake would be
   */
  StaticFileHandler(WebRoot root, Duration requestTimeout) {
    this.root = root;
    this.requestTimeout = requestTimeout;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    awaitRequest(ctx);
    ctx.fireChannelActive();
  }

  private void awaitRequest(ChannelHandlerContext ctx) {
    requestDeadline = ctx.executor().schedule(() -> {
      ctx.close();
    }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void requestArrived() {
    if (requestDeadline != null) {
      requestDeadline.cancel(false);
      requestDeadline = null;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    requestArrived(); // from here on the viewer's handshake timer bounds the connection
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    requestArrived();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    requestArrived();
    if (!(msg instanceof FullHttpRequest request) || !isFileRequest(request)) {
      if (busy) {
        ReferenceCountUtil.release(msg); // a pipelined upgrade: refused by ending the connection after the answer
        closeAfterAnswer = true;
        return;
      }
      // A viewer's request: the pipeline becomes what it is without --web, and the request goes on as it came.
      ctx.pipeline().remove(IDLE);
      ctx.pipeline().remove(CHUNKED);
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (busy) {
        closeAfterAnswer = true;
        return;
      }
      serve(ctx, request);
    } catch (RuntimeException e) {
      log.warn("static file request failed: {}", e.getClass().getSimpleName());
      ctx.close();
    } finally {
      request.release();
    }
  }

  /** A GET or HEAD that is not a WebSocket upgrade. */
  static boolean isFileRequest(FullHttpRequest request) {
    return request.decoderResult().isSuccess()
        && (HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method()))
        && !request.headers().contains(HttpHeaderNames.UPGRADE);
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean head = HttpMethod.HEAD.equals(request.method());
    String path;
    try {
      path = new QueryStringDecoder(request.uri()).path();
    } catch (IllegalArgumentException e) {
      answer(ctx, status(HttpResponseStatus.BAD_REQUEST, head), keepAlive);
      return;
    }
    WebRoot.Lookup found = root.lookup(path);
    if (found instanceof WebRoot.Refused) {
      answer(ctx, status(HttpResponseStatus.FORBIDDEN, head), keepAlive);
      return;
    }
    if (!(found instanceof WebRoot.Found file)) {
      answer(ctx, status(HttpResponseStatus.NOT_FOUND, head), keepAlive);
      return;
    }
    String etag = etag(file);
    if (matches(request.headers().get(HttpHeaderNames.IF_NONE_MATCH), etag)) {
      FullHttpResponse notModified = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
      describe(notModified.headers(), file, etag);
      answer(ctx, notModified, keepAlive);
      return;
    }
    if (head) {
      FullHttpResponse headers = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.EMPTY_BUFFER);
      describe(headers.headers(), file, etag);
      headers.headers().set(HttpHeaderNames.CONTENT_TYPE, file.contentType()).set(HttpHeaderNames.CONTENT_LENGTH,
          file.size());
      answer(ctx, headers, keepAlive);
      return;
    }
    ChunkedNioFile contents;
    FileChannel channel = null;
    try {
      // The real path found by the lookup, opened without following a link that replaced it since.
      channel = FileChannel.open(file.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      // The length found by the lookup is what Content-Length says; a file that grows meanwhile is cut to it.
      contents = new ChunkedNioFile(channel, 0, Math.min(file.size(), channel.size()), CHUNK_SIZE);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      answer(ctx, status(HttpResponseStatus.NOT_FOUND, false), keepAlive);
      return;
    }
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    describe(response.headers(), file, etag);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, file.contentType())
        .set(HttpHeaderNames.CONTENT_LENGTH, contents.endOffset());
    HttpUtil.setKeepAlive(response, keepAlive);
    busy = true;
    ctx.channel().config().setAutoRead(false);
    ctx.write(response);
    finish(ctx, ctx.writeAndFlush(new HttpChunkedInput(contents)), keepAlive);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing a static file failed: {}", e.getClass().getSimpleName());
      }
    }
  }

  /** What every answer about a file says: how to cache it and how to ask again. */
  private static void describe(HttpHeaders headers, WebRoot.Found file, String etag) {
    headers.set(HttpHeaderNames.ETAG, etag)
        .set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(new Date(file.modifiedMillis())))
        .set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL)
        .set("X-Content-Type-Options", "nosniff");
  }

  /** Size and modification time, as most static servers do: a changed file gets a new tag without being read. */
  static String etag(WebRoot.Found file) {
    return "\"" + Long.toHexString(file.size()) + "-" + Long.toHexString(file.modifiedMillis()) + "\"";
  }

  /** {@code If-None-Match}: {@code *}, or a list of tags in which weak ones compare by their opaque part. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || tag.equals(etag) || (tag.startsWith("W/") && tag.substring(2).equals(etag))) {
        return true;
      }
    }
    return false;
  }

  private static FullHttpResponse status(HttpResponseStatus status, boolean head) {
    ByteBuf body = Unpooled.copiedBuffer(status.code() + " " + status.reasonPhrase() + "\n", CharsetUtil.US_ASCII);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        head ? Unpooled.EMPTY_BUFFER : body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    if (head) {
      body.release();
    }
    return response;
  }

  private void answer(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    HttpUtil.setKeepAlive(response, keepAlive);
    busy = true;
    ctx.channel().config().setAutoRead(false);
    finish(ctx, ctx.writeAndFlush(response), keepAlive);
  }

  /** After an answer: read the next request, or close when either side wanted that. */
  private void finish(ChannelHandlerContext ctx, ChannelFuture written, boolean keepAlive) {
    written.addListener((ChannelFutureListener) f -> {
      busy = false;
      if (!f.isSuccess() || !keepAlive || closeAfterAnswer) {
        ctx.close();
        return;
      }
      awaitRequest(ctx);
      ctx.channel().config().setAutoRead(true);
    });
  }

  /** An answer that made no progress for {@code web-idle}'s time: the client stopped reading. */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("static file connection error: {}", cause.getClass().getSimpleName());
    ctx.close();
  }
}
