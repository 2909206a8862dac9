package org.rfbactivity.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.proxy.route.ResolvedRoute;
import org.rfbactivity.proxy.route.RouteRefusedException;
import org.rfbactivity.proxy.route.RouteRequest;
import org.rfbactivity.rfb.InputClass;

/**
 * One viewer: its frontend channel, the backend channel to the VNC server, and the relay between them.
 *
 * <p>The relay follows Netty's HexDumpProxy example: the backend is connected on the frontend's event loop
 * ({@link BackendConnector}, so both channels share one thread and this object needs no locks), both channels start
 * with auto-read off and begin reading only when the relay starts. Unlike the example, back-pressure is by
 * writability: when one side's outbound buffer passes its high-water mark the other side's auto-read is switched off,
 * and back on when it drains. Every buffer is either written (the write releases it) or released here when the other
 * side is already gone; nothing is copied, changed or logged. What the viewer sends in one read burst goes to the
 * server as one write ({@link ClientBatch}); empty payloads are released, never written, so a flood of empty frames
 * costs the server side nothing.
 *
 * <p>Its life is a {@link RelayState}. A connection becomes a viewer only when its {@link ViewerObserver}, which
 * watches it from its accept and owns its handshake timer, says so ({@link HandshakeRecord}): until then nothing is
 * logged as open and nothing reaches the session state; a connection that ends before is counted as refused
 * (handshake_failed, auth_failed, handshake_timeout …). How a side is closed is the {@link CloseReason}'s and the
 * {@link FrontendProtocol}'s; the half-close and drain are {@link GracefulClose}'s; the log lines and counters are the
 * {@link ViewerLog}'s.
 *
 * <p>All methods run on the frontend's event loop, except {@link #closeFor}, {@link #id()}, {@link #description()},
 * {@link #inputPermissions()} and {@link #droppedInput}, which any thread may call: that is how the rest of the proxy
 * (the admin API, session policies, revocation) reads or ends a viewer it found in the {@link ViewerRegistry}.
 */
public final class ViewerConnection {

  private final String id;
  private final Channel frontend;
  private final FrontendProtocol protocol;
  private final RelayServices services;
  private final String remote;
  private final long acceptedNanos = System.nanoTime();
  private final ChannelFutureListener closeOnWriteFailure = this::onWriteDone;
  /**
   * Whether a FIN is passed on rather than closing the viewer (TCP half-close): when the frontend channel allows
   * half-closure, which a plain TCP frontend does. TLS and WebSocket end a connection with their own close messages.
   */
  private final boolean halfClose;
  private final ClientBatch toServer;
  private final HandshakeRecord handshake;
  private final ViewerObserver observer;
  private final ChannelFutureListener onSpliceFailure = this::onSpliceDone;

  private RelayState state = RelayState.OPENING;
  /** Who this viewer is; null until the route is known. Volatile: read by other threads ({@link #description()}). */
  private volatile ViewerDescription viewer;
  private Channel backend;
  /** What this viewer may send; null until the route is known. Volatile: read by the admin API. */
  private volatile InputPermissions permissions;
  /** Its filter, or null when it has every permission (or no route yet). Volatile: read by the admin API. */
  private volatile InputFilter inputFilter;
  /** The close at the token's expiry ({@link TokenExpiry}); null when there is none. */
  private ScheduledFuture<?> expiry;
  private long bytesFromClient;
  private long bytesFromServer;
  /** The server-to-client splice when this viewer may be spliced ({@link ServerSplice}); null otherwise. */
  private ServerSplice splice;

  /**
   * Registers the viewer and hands it to its observer (whose handshake timer starts now); call from the frontend's
   * {@code channelActive}.
   */
  public ViewerConnection(Channel frontend, FrontendProtocol protocol, RelayServices services) {
    this.id = newId();
    this.frontend = frontend;
    this.protocol = protocol;
    this.services = services;
    this.remote = Addresses.describe(frontend.remoteAddress());
    this.halfClose = frontend.config() instanceof SocketChannelConfig c && c.isAllowHalfClosure();
    this.toServer = new ClientBatch(frontend.alloc());
    this.handshake = new HandshakeRecord(this, services,
        frontend.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null);
    this.observer = services.observers().accepted(frontend.eventLoop(), handshake);
    services.registry().add(this);
  }

  /** 16 hex digits: unique enough across replicas sharing one database, short enough for logs. */
  private static String newId() {
    return String.format("v%016x", ThreadLocalRandom.current().nextLong());
  }

  // ---------------------------------------------------------------- opening

  /**
   * The way from accepted to connected, the same for every frontend: looks up the route for what the viewer presented
   * (off the event loop when that may block), then connects the VNC server on this viewer's event loop. Nothing is
   * read yet. A refusal on the way (no route, the routing source down, the server unreachable) is logged and counted
   * here, before {@code listener} answers the viewer its own way; a viewer closed meanwhile is left as it is.
   */
  public void open(RouteRequest request, OpenListener listener) {
    services.routeLookup().lookup(request, frontend.eventLoop()).addListener((Future<ResolvedRoute> f) -> {
      if (state == RelayState.CLOSED) {
        return;
      }
      if (f.isSuccess()) {
        connect(f.getNow(), listener);
      } else {
        RouteRefusedException e = (RouteRefusedException) f.cause();
        refuse(e.unavailable() ? RefusalReason.ROUTE_UNAVAILABLE : RefusalReason.ROUTE, e.getMessage(), listener);
      }
    });
  }

  private void connect(ResolvedRoute resolved, OpenListener listener) {
    state = RelayState.CONNECTING;
    viewer = new ViewerDescription(id, protocol.kind(), remote, resolved.route());
    services.registry().routed(this);
    Duration untilExpiry = services.tokenExpiry().remaining(resolved.route());
    if (untilExpiry != null) {
      expiry = frontend.eventLoop().schedule(() -> close(CloseReason.TOKEN_EXPIRED, null), untilExpiry.toNanos(),
          TimeUnit.NANOSECONDS);
    }
    InputPermissions allowed = services.permissions().forViewer(viewer);
    permissions = allowed;
    splice = ServerSplice.forViewer(services.splice(), this, frontend, protocol.kind(), resolved.address());
    ChannelFuture f = services.connector().connect(frontend, resolved.address(), halfClose, pipeline -> {
      if (splice != null) {
        splice.attach(pipeline.channel());
      }
      observer.connecting(viewer, pipeline);
      if (!allowed.isAll()) {
        // After the inspector: client bytes (writes) pass the filter first, so dropped input is never activity.
        InputFilter filter = new InputFilter(allowed, services.metrics(),
            detail -> closeFor(CloseReason.CANNOT_ENFORCE, detail));
        pipeline.addLast(InputFilter.NAME, filter);
        inputFilter = filter;
      }
      pipeline.addLast("relay", new BackendRelayHandler(this));
    });
    backend = f.channel();
    f.addListener((ChannelFutureListener) future -> {
      if (state == RelayState.CLOSED) {
        future.channel().close();
      } else if (future.isSuccess()) {
        listener.connected();
      } else {
        refuse(RefusalReason.BACKEND, "VNC server unreachable: " + ViewerLog.describe(future.cause()), listener);
      }
    });
  }

  private void refuse(RefusalReason refusal, String reason, OpenListener listener) {
    refuse(refusal, reason);
    listener.refused(refusal);
  }

  /** Route known, server connected, frontend ready: start reading both sides (what arrived early goes first). */
  public void startRelay() {
    if (state != RelayState.CONNECTING) {
      return;
    }
    state = RelayState.RELAYING;
    if (toServer.hasParked()) {
      for (ByteBuf buf = toServer.unpark(); buf != null; buf = toServer.unpark()) {
        batch(buf);
      }
      writeBatch();
      backend.flush();
    }
    backend.config().setAutoRead(true);
    frontend.config().setAutoRead(true);
  }

  // ---------------------------------------------------------------- closing

  /** The viewer's connection failed (reset, TLS error …): closes with the cause's class and message in the log. */
  public void clientFailed(Throwable cause) {
    close(CloseReason.CLIENT_ERROR, ViewerLog.describe(cause));
  }

  /**
   * Refuses a viewer whose relay never started: one log line and one metric; the backend (if any) is closed.
   * The caller answers the client (an HTTP status for WebSocket) and closes the frontend.
   */
  public void refuse(RefusalReason refusal, String reason) {
    if (state == RelayState.CLOSED) {
      return;
    }
    services.log().refused(refusal.label(), id, protocol.kind(), remote, reason);
    state = RelayState.CLOSED;
    finish();
    if (backend != null) {
      backend.close();
    }
    observer.closed(refusal.label());
  }

  /**
   * Closes this viewer for one of the proxy's own reasons ({@link CloseReason#isPolicy()}), from any thread: on its
   * event loop, as every other close, so the reason reaches the log line, {@code vnc_proxy_viewers_closed_total} and
   * the tracker ({@code viewerClosed} with the reason's label). A WebSocket viewer gets a Close frame with the reason's
   * code and text, a raw TCP viewer a FIN after what was already written to it; the VNC server gets a FIN after the
   * viewer's last input; then both are drained for at most {@link GracefulClose#DRAIN_TIMEOUT}.
   *
   * @return completes on the viewer's event loop: true when this call closed the viewer, false when it was closed
   *     already; failed when the event loop has shut down (the proxy is stopping and closes every viewer itself)
   */
  public Future<Boolean> closeFor(CloseReason reason) {
    return closeFor(reason, null);
  }

  /**
   * As {@link #closeFor(CloseReason)}, with {@code detail} added to the log line ({@code detail="..."}): a count, a
   * duration, a setting's name, never payload, tokens or client-supplied text.
   */
  public Future<Boolean> closeFor(CloseReason reason, String detail) {
    Objects.requireNonNull(reason, "reason");
    EventLoop loop = frontend.eventLoop();
    if (loop.inEventLoop()) {
      return loop.newSucceededFuture(closeIfOpen(reason, detail));
    }
    Promise<Boolean> done = loop.newPromise();
    try {
      loop.execute(() -> {
        try {
          done.setSuccess(closeIfOpen(reason, detail));
        } catch (RuntimeException e) {
          done.setFailure(e); // to the caller, not into the event loop's log
        }
      });
    } catch (RejectedExecutionException e) {
      return ImmediateEventExecutor.INSTANCE.newFailedFuture(e);
    }
    return done;
  }

  private boolean closeIfOpen(CloseReason reason, String detail) {
    if (state == RelayState.CLOSED) {
      return false;
    }
    close(reason, detail);
    return true;
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
    if (state == RelayState.CLOSED) {
      return;
    }
    boolean relayStarted = state.relaying();
    if (relayStarted && !reason.serverAtFault()) {
      // What the viewer sent in this read before it closed (a Close frame after its last input) still goes first.
      writeBatch();
    }
    state = RelayState.CLOSED;
    finish();
    record(reason, detail); // before the sockets close, so whoever sees the close also sees it counted
    if (backend != null) {
      if (splice != null && splice.isActive()) {
        splice.closeBackend(); // before the viewer's channel, whose pipe the backend splices into
      } else if (reason.serverAtFault()) {
        backend.close();
      } else {
        GracefulClose.close(backend, Unpooled.EMPTY_BUFFER);
      }
    }
    if (reason.clientAtFault() || !frontend.isActive()) {
      protocol.abort(frontend, reason);
    } else {
      GracefulClose.close(frontend, protocol.lastMessage(relayStarted, reason));
    }
  }

  private void record(CloseReason reason, String detail) {
    HandshakeFacts facts = handshake.facts();
    if (facts != null) {
      services.log().closed(viewer, facts, reason, detail, bytesFromClient, bytesFromServer,
          splice != null && splice.isActive(), acceptedNanos);
    } else {
      services.log().refused(handshake.refusal(reason), id, protocol.kind(), remote, detail);
    }
    observer.closed(reason.label());
  }

  private void finish() {
    services.registry().remove(this);
    if (expiry != null) {
      expiry.cancel(false); // a closed viewer's task must not keep its connection reachable until the expiry
    }
    toServer.release(); // closing before the relay started or in the middle of a read burst: nowhere to go
  }

  /**
   * The viewer sent FIN (only reported when the frontend allows half-closure): what it sent goes to the server,
   * followed by a FIN, and the server's bytes keep flowing to the viewer until the server finishes too, for at most
   * {@link GracefulClose#DRAIN_TIMEOUT}. Before the relay, or once the server has finished, this ends the viewer;
   * after our own close it ends the drain.
   */
  public void clientInputShutdown() {
    if (state == RelayState.CLOSED) {
      frontend.close();
    } else if (state != RelayState.RELAYING) {
      clientEnded();
    } else {
      state = RelayState.CLIENT_FINISHED;
      writeBatch(); // what the viewer sent before its FIN goes first
      GracefulClose.shutdownOutputAfterWrites(backend);
      closeAfterDrainTimeout(CloseReason.CLIENT_CLOSED);
    }
  }

  /**
   * The server sent FIN: as {@link #clientInputShutdown()} the other way round, or the viewer's end without
   * half-close.
   */
  void serverInputShutdown() {
    if (splice != null && splice.isActive() && state != RelayState.CLOSED) {
      splice.serverEnded(); // what the server sent before its FIN, which Netty's splice no longer reads
    }
    if (state == RelayState.CLOSED) {
      backend.close();
    } else if (!halfClose || state != RelayState.RELAYING) {
      serverEnded();
    } else {
      state = RelayState.SERVER_FINISHED;
      GracefulClose.shutdownOutputAfterWrites(frontend);
      closeAfterDrainTimeout(CloseReason.SERVER_CLOSED);
    }
  }

  /**
   * The viewer's connection ended (closed, or its FIN when nothing is left to relay). Closes with the reason of the
   * side that finished first: a viewer that closes after the server's FIN reached it is the server's close.
   */
  public void clientEnded() {
    close(state == RelayState.SERVER_FINISHED ? CloseReason.SERVER_CLOSED : CloseReason.CLIENT_CLOSED);
  }

  /** The server's connection ended: as {@link #clientEnded()} the other way round. */
  void serverEnded() {
    close(state == RelayState.CLIENT_FINISHED ? CloseReason.CLIENT_CLOSED : CloseReason.SERVER_CLOSED);
  }

  private void closeAfterDrainTimeout(CloseReason reason) {
    frontend.eventLoop().schedule(() -> close(reason), GracefulClose.DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- relay

  /** Client bytes (TCP payload or WebSocket binary payload) to the server; ownership of {@code buf} moves here. */
  public void fromClient(ByteBuf buf) {
    if (state == RelayState.CLOSED || !buf.isReadable()) {
      buf.release(); // the connection is gone, or an empty frame: nothing to relay, and nothing may be queued for it
      return;
    }
    if (!state.relaying()) {
      if (!toServer.park(buf)) {
        close(CloseReason.CLIENT_ERROR,
            "more than " + ClientBatch.MAX_EARLY_CLIENT_BYTES + " bytes before the server was connected");
      }
      return;
    }
    batch(buf);
  }

  /** Adds {@code buf} to the read burst's batch, which is written at the burst's end (or once it is full). */
  private void batch(ByteBuf buf) {
    ByteBuf full = toServer.add(buf);
    if (full != null) {
      writeToServer(full);
    }
  }

  /** Writes the read burst's batch to the server (without flushing). */
  private void writeBatch() {
    ByteBuf buf = toServer.take();
    if (buf != null) {
      writeToServer(buf);
    }
  }

  /** Writes {@code buf} to the server (without flushing), and tells the observer. */
  private void writeToServer(ByteBuf buf) {
    int n = buf.readableBytes();
    bytesFromClient += n;
    services.metrics().bytesFromClient(n);
    backend.write(buf).addListener(closeOnWriteFailure);
    if (state != RelayState.CLOSED) {
      observer.clientDataRelayed(); // after the write: the inspector on the backend pipeline has parsed it
    }
  }

  public void clientReadComplete() {
    if (state.relaying()) {
      writeBatch();
      backend.flush();
      if (!backend.isWritable()) {
        frontend.config().setAutoRead(false);
      }
    }
  }

  void fromServer(ByteBuf buf) {
    if (!state.relaying()) {
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
    if (state.relaying()) {
      frontend.flush();
      if (splice != null && splice.isActive()) {
        return; // Netty's splice switches the backend's auto-read itself while the viewer's socket is full
      }
      if (!frontend.isWritable()) {
        backend.config().setAutoRead(false);
      }
      if (state == RelayState.RELAYING && splice != null && splice.startIfArmed(onSpliceFailure)) {
        services.metrics().viewerSpliced();
      }
    }
  }

  /**
   * Nothing in the proxy reads the server's bytes from now on (ServerInit has passed the inspector, or nothing
   * inspects): a viewer that may be spliced is spliced from the end of this read burst.
   */
  void serverStreamUnwatched() {
    if (splice != null) {
      splice.arm();
    }
  }

  /** {@code n} server bytes moved to the viewer by splice ({@link ServerSplice}): counted as a copied read is. */
  void splicedFromServer(int n) {
    bytesFromServer += n;
    services.metrics().bytesFromServer(n);
  }

  /** Writes server bytes the splice read itself to the viewer (without flushing). */
  void writeToViewer(ByteBuf buf) {
    frontend.write(buf).addListener(closeOnWriteFailure);
  }

  /**
   * A splice only ends by failing: a side closed or broke. A viewer that hangs up with the server's bytes unread resets
   * its connection, and the splice's next write into it may fail before the viewer's channel is closed: its output is
   * shut down then, but it is still active. That is the viewer's close, as a copied write to a closed viewer is.
   */
  private void onSpliceDone(ChannelFuture future) {
    if (future.isSuccess() || state == RelayState.CLOSED) {
      return;
    }
    if (!frontend.isActive() || ((DuplexChannel) frontend).isOutputShutdown()) {
      clientEnded();
    } else if (!backend.isActive()) {
      serverEnded();
    } else {
      close(CloseReason.SERVER_ERROR, "splice failed: " + ViewerLog.describe(future.cause()));
    }
  }

  /**
   * The proxy answered the viewer itself (a WebSocket pong). Such answers are not throttled by the server side, so
   * while the viewer leaves them unread the viewer is not read either: otherwise a viewer that keeps pinging and
   * never reads makes the proxy queue pongs without bound. Reading resumes when the frontend drains.
   */
  public void replyQueued() {
    if (state.relaying() && !frontend.isWritable()) {
      frontend.config().setAutoRead(false);
    }
  }

  /** The frontend drained (or filled): resume (or keep paused) reading from the server, and from the viewer. */
  public void frontendWritabilityChanged() {
    if (state.relaying() && frontend.isWritable()) {
      backend.config().setAutoRead(true);
      if (backend.isWritable()) {
        frontend.config().setAutoRead(true); // it may have been paused by replyQueued
      }
    }
  }

  void backendWritabilityChanged() {
    if (state.relaying() && backend.isWritable()) {
      frontend.config().setAutoRead(true);
    }
  }

  private void onWriteDone(Future<? super Void> future) {
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
        close(server ? CloseReason.SERVER_ERROR : CloseReason.CLIENT_ERROR, ViewerLog.describe(future.cause()));
      }
    }
  }

  // ---------------------------------------------------------------- accessors

  Channel frontend() {
    return frontend;
  }

  /** The channel to the VNC server; null until it is being connected. */
  Channel backend() {
    return backend;
  }

  /** The connection's id ({@code v} and 16 hex digits), as in its log lines and the tracker's viewer id. */
  public String id() {
    return id;
  }

  /** Who this viewer is (its session is {@code description().route().sessionId()}); null until the route is known. */
  public ViewerDescription description() {
    return viewer;
  }

  /**
   * What this viewer may send (docs/architecture.md#input-permissions), from any thread; null until its route is
   * known.
   */
  public InputPermissions inputPermissions() {
    return permissions;
  }

  /** Messages of {@code inputClass} its filter removed so far, from any thread; 0 for a viewer without a filter. */
  public long droppedInput(InputClass inputClass) {
    InputFilter filter = inputFilter;
    return filter == null ? 0 : filter.dropped(inputClass);
  }

  public boolean isClosed() {
    return state == RelayState.CLOSED;
  }
}
