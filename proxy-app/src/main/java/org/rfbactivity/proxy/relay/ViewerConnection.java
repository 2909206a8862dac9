package org.rfbactivity.proxy.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.rfbactivity.proxy.route.ResolvedRoute;
import org.rfbactivity.proxy.route.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One viewer: its frontend channel, the backend channel to the VNC server, and the relay between them.
 *
 * <p>The relay follows Netty's HexDumpProxy example: the backend is connected on the frontend's event loop
 * (so both channels share one thread and this object needs no locks), both channels start with auto-read
 * off and begin reading only when the relay starts. Unlike the example, back-pressure is by writability: when
 * one side's outbound buffer passes its high-water mark the other side's auto-read is switched off, and back
 * on when it drains. Every buffer is either written (the write releases it) or released here when the other
 * side is already gone; nothing is copied, changed or logged. What the viewer sends in one read burst (one TCP read,
 * or every WebSocket frame decoded from it) goes to the server as one write; empty payloads are released, never
 * written, so a flood of empty frames costs the server side nothing.
 *
 * <p>A connection becomes a viewer only when its {@link ViewerObserver} says it is {@link #established}: until then
 * the handshake timer runs, nothing is logged as open and nothing reaches the session state; a connection that ends
 * before is counted as refused (handshake_failed, auth_failed, handshake_timeout …).
 *
 * <p>All methods run on the frontend's event loop.
 */
public final class ViewerConnection {

  private static final Logger log = LoggerFactory.getLogger("org.rfbactivity.proxy.viewer");

  /**
   * Client bytes accepted before the relay starts (only possible behind TLS, where the channel must read to
   * finish the TLS handshake). RFB clients wait for the server's ProtocolVersion first (RFB.md §1), so real
   * viewers send nothing early; the cap bounds what a misbehaving one can park here.
   */
  static final int MAX_EARLY_CLIENT_BYTES = 64 * 1024;

  /**
   * How long a side may take to finish after the other side has: to close its end after ours is half-closed, or to
   * send what it still has after the other side's FIN (half-close). Then both are closed anyway, so that a peer that
   * never closes (a viewer that ignores the end of its server) cannot keep a connection open.
   */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Buffers gathered into one write to the server before it is written anyway (mid-burst). Bounds the composite
   * buffer a burst of many tiny frames builds, without ever copying (a composite consolidates, that is copies, when it
   * outgrows its component limit).
   */
  static final int MAX_BATCH_COMPONENTS = 64;

  private final String id;
  private final Channel frontend;
  private final FrontendProtocol protocol;
  private final RelayServices services;
  private final String remote;
  private final long acceptedNanos = System.nanoTime();
  private final ChannelFutureListener closeOnWriteFailure = this::onWriteDone;
  private final io.netty.util.concurrent.ScheduledFuture<?> handshakeTimer;
  /**
   * Whether a FIN is passed on rather than closing the viewer (TCP half-close): when the frontend channel allows
   * half-closure, which a plain TCP frontend does. TLS and WebSocket end a connection with their own close messages.
   */
  private final boolean halfClose;

  private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(2);
  private int earlyBytes;
  private ResolvedRoute route;
  private Channel backend;
  private ViewerObserver observer;
  /** Client payload of the read burst under way: one buffer, or a composite of several; null when none. */
  private ByteBuf clientBatch;
  /** {@link #clientBatch} when it is a composite made here; null otherwise. */
  private CompositeByteBuf batchComposite;
  private long bytesFromClient;
  private long bytesFromServer;
  /** The observer said this connection is a viewer (see {@link #established}). */
  private boolean established;
  /** The VNC server refused the security handshake (only consulted when the connection ends unestablished). */
  private boolean authenticationFailed;
  private boolean relaying;
  private boolean closed;
  /** The viewer's FIN arrived and was passed on to the server (half-close). */
  private boolean clientFinished;
  /** The server's FIN arrived and was passed on to the viewer (half-close). */
  private boolean serverFinished;
  private String protocolVersion;
  private String securityType;
  private String blindReason;

  /** Registers the viewer and arms the handshake timer; call from the frontend's {@code channelActive}. */
  public ViewerConnection(Channel frontend, FrontendProtocol protocol, RelayServices services) {
    this.id = newId();
    this.frontend = frontend;
    this.protocol = protocol;
    this.services = services;
    this.remote = Addresses.describe(frontend.remoteAddress());
    this.halfClose = frontend.config() instanceof SocketChannelConfig c && c.isAllowHalfClosure();
    Duration timeout = services.handshakeTimeout();
    this.handshakeTimer = frontend.eventLoop().schedule(this::handshakeTimedOut, timeout.toNanos(),
        TimeUnit.NANOSECONDS);
    services.registry().add(this);
  }

  /** 16 hex digits: unique enough across replicas sharing one database, short enough for logs. */
  private static String newId() {
    return String.format("v%016x", ThreadLocalRandom.current().nextLong());
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Connects the VNC server on this viewer's event loop; {@code onConnected} runs when the TCP connection is
   * up, {@code onFailed} (with a loggable reason) when it cannot be made. Nothing is read yet.
   */
  public void connect(ResolvedRoute resolved, Runnable onConnected, Consumer<String> onFailed) {
    if (closed) {
      return;
    }
    this.route = resolved;
    this.observer = services.observe(this);
    Bootstrap b = new Bootstrap()
        .group(frontend.eventLoop())
        .channel(NioSocketChannel.class)
        .resolver(NoopAddressResolverGroup.INSTANCE)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClose)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
            services.handshakeTimeout().toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (observer.backendInspector() != null) {
              ch.pipeline().addLast("rfb-inspector", observer.backendInspector());
            }
            ch.pipeline().addLast("relay", new BackendRelayHandler(ViewerConnection.this));
          }
        });
    ChannelFuture f = b.connect(resolved.address());
    backend = f.channel();
    f.addListener((ChannelFutureListener) future -> {
      if (closed) {
        future.channel().close();
      } else if (future.isSuccess()) {
        onConnected.run();
      } else {
        onFailed.accept("VNC server unreachable: " + describeCause(future.cause()));
      }
    });
  }

  /** Route known, server connected, frontend ready: start reading both sides (what arrived early goes first). */
  public void startRelay() {
    if (closed || relaying) {
      return;
    }
    relaying = true;
    if (!early.isEmpty()) {
      for (ByteBuf buf = early.poll(); buf != null; buf = early.poll()) {
        batch(buf);
      }
      earlyBytes = 0;
      writeBatch();
      backend.flush();
    }
    backend.config().setAutoRead(true);
    frontend.config().setAutoRead(true);
  }

  /**
   * The observer decided this connection is a viewer: its RFB handshake reached the client-message phase, or its
   * stream went blind and has since carried bytes both ways. Stops the handshake timer, and logs and counts the
   * open. Once only.
   *
   * @param version the client's protocol version, or null when unknown (a blind or uninspected stream)
   * @param security the negotiated security type, or null when unknown
   * @param blindReason why the stream cannot be inspected, or null when it can
   */
  public void established(String version, String security, String blindReason) {
    if (closed || established) {
      return;
    }
    this.protocolVersion = version;
    this.securityType = security;
    this.blindReason = blindReason;
    this.established = true;
    handshakeTimer.cancel(false);
    services.limits().authenticated(remoteAddress(frontend));
    Route r = route.route();
    services.metrics().viewerOpened(protocol.kind().label());
    log.info("viewer open id={} session={} route={} frontend={} remote={} target={} version={} security={}"
            + " inspectable={}", id, r.sessionId(), r.kind(), protocol.kind().label(), remote, r.target(), orNone(version),
        orNone(security), blindReason == null ? "true" : "false blindReason=" + blindReason);
  }

  /**
   * The VNC server refused this connection in its security phase; if it ends unestablished, that is why
   * ({@code auth_failed}). Only a refusal after an authentication attempt (a wrong password, not a server that refuses
   * everyone before asking) counts towards the source's failure back-off.
   */
  public void securityRefused(boolean afterAuthentication) {
    if (!authenticationFailed) {
      authenticationFailed = true;
      if (afterAuthentication) {
        services.limits().authenticationFailed(remoteAddress(frontend));
      }
    }
  }

  private static InetAddress remoteAddress(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /** The viewer's connection failed (reset, TLS error …): closes with the cause's class and message in the log. */
  public void clientFailed(Throwable cause) {
    close(CloseReason.CLIENT_ERROR, describeCause(cause));
  }

  /**
   * Refuses a viewer whose relay never started: one log line and one metric; the backend (if any) is closed.
   * The caller answers the client (an HTTP status for WebSocket) and closes the frontend.
   */
  public void refuse(RefusalReason refusal, String reason) {
    if (closed) {
      return;
    }
    services.metrics().refused(refusal.label());
    services.refusalLog().refused(refusal.label(), id, protocol.kind().label(), remote, reason);
    closed = true;
    finish();
    if (backend != null) {
      backend.close();
    }
  }

  /** Closes both sides once (idempotent); pending writes are flushed first. */
  public void close(CloseReason reason) {
    close(reason, null);
  }

  /**
   * Closes both sides once (idempotent); pending writes are flushed first. {@code detail} (an exception class
   * and message, never payload) is added to the log line.
   */
  public void close(CloseReason reason, String detail) {
    if (closed) {
      return;
    }
    if (relaying && !reason.serverAtFault()) {
      // What the viewer sent in this read before it closed (a Close frame after its last input) still goes first.
      writeBatch();
    }
    closed = true;
    finish();
    record(reason, detail); // before the sockets close, so whoever sees the close also sees it counted
    if (backend != null) {
      if (reason.serverAtFault()) {
        backend.close();
      } else {
        closeGracefully(backend, Unpooled.EMPTY_BUFFER);
      }
    }
    if (reason.clientAtFault() || !frontend.isActive()) {
      protocol.abort(frontend, reason);
    } else {
      closeGracefully(frontend, protocol.lastMessage(relaying, reason));
    }
  }

  /**
   * Flushes what is queued plus {@code last}, half-closes, and reads (releasing what arrives: the other side is
   * gone) until the peer closes too, for at most {@link #DRAIN_TIMEOUT}. Closing a socket that still has unread
   * data makes the kernel send RST instead of FIN, and an RST can destroy the peer's last unread bytes: the final
   * input a viewer sent, or the reason a server gave for refusing it.
   */
  private static void closeGracefully(Channel ch, Object last) {
    if (!ch.isActive()) {
      ReferenceCountUtil.release(last);
      ch.close();
      return;
    }
    ch.writeAndFlush(last).addListener((ChannelFutureListener) flushed -> {
      if (!flushed.isSuccess() || !(ch instanceof SocketChannel socket) || !socket.isActive()
          || socket.isInputShutdown()) {
        ch.close(); // nothing flushed can be lost, or the peer has already finished sending: no drain needed
        return;
      }
      socket.shutdownOutput().addListener(half -> {
        if (half.isSuccess() && socket.isActive()) {
          socket.config().setAutoRead(true);
          socket.eventLoop().schedule(() -> socket.close(), DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } else {
          socket.close();
        }
      });
    });
  }

  private void record(CloseReason reason, String detail) {
    if (established) {
      String why = detail == null ? reason.label() : reason.label() + " detail=\"" + detail + "\"";
      services.metrics().viewerClosed(reason.label());
      Route r = route.route();
      log.info("viewer close id={} session={} route={} frontend={} remote={} version={} security={} inspectable={} "
              + "bytesFromClient={} bytesFromServer={} duration={}ms reason={}",
          id, r.sessionId(), r.kind(), protocol.kind().label(), remote, orNone(protocolVersion), orNone(securityType),
          blindReason == null, bytesFromClient, bytesFromServer,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedNanos), why);
    } else {
      String refusal = unestablishedReason(reason);
      services.metrics().refused(refusal);
      services.refusalLog().refused(refusal, id, protocol.kind().label(), remote, detail);
    }
    if (relaying) {
      observer.relayClosed();
    }
  }

  /**
   * Why a connection that never became a viewer ended: the server refused its authentication, or one side simply
   * closed (a health check, a port scan, a viewer that gave up); a timeout or an error keeps its own reason.
   */
  private String unestablishedReason(CloseReason reason) {
    if (authenticationFailed) {
      return RefusalReason.AUTH_FAILED.label();
    }
    if (reason == CloseReason.CLIENT_CLOSED || reason == CloseReason.SERVER_CLOSED) {
      return RefusalReason.HANDSHAKE_FAILED.label();
    }
    return reason.label();
  }

  private void finish() {
    handshakeTimer.cancel(false);
    services.registry().remove(this);
    for (ByteBuf buf = early.poll(); buf != null; buf = early.poll()) {
      buf.release(); // the viewer is closing before its relay started: these bytes have nowhere to go
    }
    if (clientBatch != null) {
      clientBatch.release(); // closing in the middle of a read burst: the server is being closed too
      clientBatch = null;
      batchComposite = null;
    }
  }

  /**
   * The viewer sent FIN (only reported when the frontend allows half-closure): what it sent goes to the server,
   * followed by a FIN, and the server's bytes keep flowing to the viewer until the server finishes too, for at most
   * {@link #DRAIN_TIMEOUT}. Before the relay, or once the server has finished, this ends the viewer; after our own
   * close it ends the drain.
   */
  public void clientInputShutdown() {
    if (closed) {
      frontend.close();
    } else if (!relaying || serverFinished) {
      clientEnded();
    } else {
      clientFinished = true;
      writeBatch(); // what the viewer sent before its FIN goes first
      shutdownOutputAfterWrites(backend);
      closeAfterDrainTimeout(CloseReason.CLIENT_CLOSED);
    }
  }

  /** The server sent FIN: as {@link #clientInputShutdown()} the other way round, or the viewer's end without half-close. */
  void serverInputShutdown() {
    if (closed) {
      backend.close();
    } else if (!halfClose || !relaying || clientFinished) {
      serverEnded();
    } else {
      serverFinished = true;
      shutdownOutputAfterWrites(frontend);
      closeAfterDrainTimeout(CloseReason.SERVER_CLOSED);
    }
  }

  /**
   * The viewer's connection ended (closed, or its FIN when nothing is left to relay). Closes with the reason of the
   * side that finished first: a viewer that closes after the server's FIN reached it is the server's close.
   */
  public void clientEnded() {
    close(serverFinished ? CloseReason.SERVER_CLOSED : CloseReason.CLIENT_CLOSED);
  }

  /** The server's connection ended: as {@link #clientEnded()} the other way round. */
  void serverEnded() {
    close(clientFinished ? CloseReason.CLIENT_CLOSED : CloseReason.SERVER_CLOSED);
  }

  private void closeAfterDrainTimeout(CloseReason reason) {
    frontend.eventLoop().schedule(() -> close(reason), DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Shuts down {@code ch}'s output once what is queued for it is written (shutting down discards queued writes). */
  private void shutdownOutputAfterWrites(Channel ch) {
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
      if (written.isSuccess() && ch instanceof DuplexChannel duplex) {
        duplex.shutdownOutput();
      }
    });
  }

  private void handshakeTimedOut() {
    if (!established && !closed) {
      close(CloseReason.HANDSHAKE_TIMEOUT);
    }
  }

  // ---------------------------------------------------------------- relay

  /** Client bytes (TCP payload or WebSocket binary payload) to the server; ownership of {@code buf} moves here. */
  public void fromClient(ByteBuf buf) {
    if (closed || !buf.isReadable()) {
      buf.release(); // the connection is gone, or an empty frame: nothing to relay, and nothing may be queued for it
      return;
    }
    if (!relaying) {
      earlyBytes += buf.readableBytes();
      early.add(buf);
      if (earlyBytes > MAX_EARLY_CLIENT_BYTES) {
        close(CloseReason.CLIENT_ERROR,
            "more than " + MAX_EARLY_CLIENT_BYTES + " bytes before the server was connected");
      }
      return;
    }
    batch(buf);
  }

  /** Adds {@code buf} to the read burst's batch, which is written at the burst's end (or once it is full). */
  private void batch(ByteBuf buf) {
    if (clientBatch == null) {
      clientBatch = buf;
    } else if (batchComposite == null) {
      // Our own composite, not a test of the type: a frontend may hand over a composite buffer of its own.
      batchComposite = frontend.alloc().compositeBuffer(MAX_BATCH_COMPONENTS);
      batchComposite.addComponent(true, clientBatch);
      batchComposite.addComponent(true, buf);
      clientBatch = batchComposite;
    } else if (batchComposite.numComponents() < MAX_BATCH_COMPONENTS) {
      batchComposite.addComponent(true, buf);
    } else {
      writeBatch();
      clientBatch = buf;
    }
  }

  /** Writes the read burst's batch to the server (without flushing), and tells the observer. */
  private void writeBatch() {
    ByteBuf buf = clientBatch;
    if (buf == null) {
      return;
    }
    clientBatch = null;
    batchComposite = null;
    int n = buf.readableBytes();
    bytesFromClient += n;
    services.metrics().bytesFromClient(n);
    backend.write(buf).addListener(closeOnWriteFailure);
    if (!closed) {
      observer.clientDataRelayed(); // after the write: the inspector on the backend pipeline has parsed it
    }
  }

  public void clientReadComplete() {
    if (!closed && relaying) {
      writeBatch();
      backend.flush();
      if (!backend.isWritable()) {
        frontend.config().setAutoRead(false);
      }
    }
  }

  void fromServer(ByteBuf buf) {
    if (closed || !relaying) {
      buf.release();
      return;
    }
    int n = buf.readableBytes();
    bytesFromServer += n;
    services.metrics().bytesFromServer(n);
    frontend.write(protocol.wrap(buf)).addListener(closeOnWriteFailure);
    observer.serverDataRelayed(); // the inspector before the relay handler has parsed these bytes
  }

  void serverReadComplete() {
    if (!closed && relaying) {
      frontend.flush();
      if (!frontend.isWritable()) {
        backend.config().setAutoRead(false);
      }
    }
  }

  /**
   * The proxy answered the viewer itself (a WebSocket pong). Such answers are not throttled by the server side, so
   * while the viewer leaves them unread the viewer is not read either: otherwise a viewer that keeps pinging and
   * never reads makes the proxy queue pongs without bound. Reading resumes when the frontend drains.
   */
  public void replyQueued() {
    if (!closed && relaying && !frontend.isWritable()) {
      frontend.config().setAutoRead(false);
    }
  }

  /** The frontend drained (or filled): resume (or keep paused) reading from the server, and from the viewer. */
  public void frontendWritabilityChanged() {
    if (!closed && relaying && frontend.isWritable()) {
      backend.config().setAutoRead(true);
      if (backend.isWritable()) {
        frontend.config().setAutoRead(true); // it may have been paused by replyQueued
      }
    }
  }

  void backendWritabilityChanged() {
    if (!closed && relaying && backend.isWritable()) {
      frontend.config().setAutoRead(true);
    }
  }

  private void onWriteDone(io.netty.util.concurrent.Future<? super Void> future) {
    if (!future.isSuccess()) {
      Channel failed = ((ChannelFuture) future).channel();
      boolean server = failed == backend;
      if (!failed.isActive()) {
        // The peer closed while a write was queued: that is its close, not an error of ours.
        if (server) {
          serverEnded();
        } else {
          clientEnded();
        }
      } else {
        close(server ? CloseReason.SERVER_ERROR : CloseReason.CLIENT_ERROR, describeCause(future.cause()));
      }
    }
  }

  // ---------------------------------------------------------------- accessors

  public String id() {
    return id;
  }

  public Channel frontend() {
    return frontend;
  }

  public FrontendKind kind() {
    return protocol.kind();
  }

  /** The route, or null before {@link #connect}. */
  public Route route() {
    return route == null ? null : route.route();
  }

  /** The viewer's address as {@code ip:port}. */
  public String remoteAddress() {
    return remote;
  }

  public boolean isClosed() {
    return closed;
  }

  /** An exception as {@code Class: message} for a log line (exception messages here never carry payload). */
  public static String describeCause(Throwable cause) {
    if (cause == null) {
      return "unknown";
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String orNone(String value) {
    return value == null ? "none" : value;
  }
}
