package org.rfbactivity.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.UncheckedBooleanSupplier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.rfbactivity.proxy.config.SpliceMode;

/**
 * A raw TCP viewer's server-to-client direction moved by {@code splice(2)}: once nothing in the proxy reads the
 * server's bytes any more (ServerInit has passed the inspector), the kernel moves them from the server's socket
 * through a pipe to the viewer's, never into the JVM (docs/architecture.md#splice). The client-to-server direction is
 * untouched: it still passes the inspector.
 *
 * <p>Netty's {@code spliceTo} does the moving, driven by the backend channel's reads on the shared event loop, and
 * keeps its own back-pressure: while the viewer's socket does not take what is in the pipe, the backend's auto-read is
 * off, so the server's socket fills and TCP holds the server back. What Netty leaves open, this class closes:
 *
 * <ul>
 *   <li><b>Counting.</b> A forever splice's promise never tells how much moved. Every {@code splice(2)} from the
 *       server's socket reports its count to the backend's receive-buffer allocator handle
 *       ({@code lastBytesRead}), so the allocator is wrapped ({@link Counting}) and hands each positive count to the
 *       relay's counters, as a copied read would have been counted: bytes taken from the server for the viewer.
 *       The same handle's guess bounds each splice: it is fixed while splicing ({@link CountingHandle#guess}).</li>
 *   <li><b>The end of the server's stream.</b> When the server's FIN arrives, Netty shuts the backend's input down
 *       after one splice of at most a pipe's worth and never reads again, although the socket may still hold what
 *       the server sent before its FIN (a viewer slower than the server). {@link #drainAfterServerEnd} reads that rest
 *       (at most the socket's receive buffer) and writes it after what is already queued for the viewer.</li>
 *   <li><b>No splice into a closed pipe.</b> The pipe belongs to the viewer's channel and is closed with it, but the
 *       backend's splice task outlives that until its next read fails, and a closed descriptor's number may already
 *       belong to another connection. So the backend is closed at once whenever the viewer's channel closes (a
 *       listener on its close future, run right after the close on the shared event loop), and the relay closes the
 *       backend before the viewer: a spliced viewer's server side is flushed and closed, not drained.</li>
 * </ul>
 *
 * <p>One per viewer that may be spliced; all methods run on the viewer's event loop.
 */
final class ServerSplice {

  /** What one read of the server's rest takes at most: Netty's largest receive buffer by default. */
  private static final int DRAIN_CHUNK = 64 * 1024;
  /**
   * What one splice from the server's socket may move: a pipe's default capacity (16 pages), which is what one
   * readiness of the socket can move at most anyway.
   */
  private static final int SPLICE_LENGTH = 64 * 1024;

  private final ViewerConnection connection;
  private final Channel frontend;
  private EpollSocketChannel backend;
  /** Nothing reads the server's bytes any more: splice at the end of this read burst. */
  private boolean armed;
  private boolean active;
  /** The splice's promise: failed when it ended (it never succeeds); null before it started. */
  private ChannelPromise promise;

  private ServerSplice(ViewerConnection connection, Channel frontend) {
    this.connection = connection;
    this.frontend = frontend;
  }

  /**
   * A splice for a viewer on {@code frontend} whose server is at {@code target}, or null when its server-to-client
   * bytes are not spliced: the viewer came through TLS or WebSocket (its bytes must be framed or encrypted in user
   * space), the server is not a TCP one, or {@code mode} says no for these two addresses (not epoll, {@code --splice
   * off}, or {@code auto} with a loopback end).
   */
  static ServerSplice forViewer(SpliceMode mode, ViewerConnection connection, Channel frontend, FrontendKind kind,
      SocketAddress target) {
    if (kind != FrontendKind.TCP || !(frontend instanceof EpollSocketChannel)
        || frontend.pipeline().get(SslHandler.class) != null || !(target instanceof InetSocketAddress server)
        || !(frontend.remoteAddress() instanceof InetSocketAddress viewer)
        || !mode.splices(viewer.getAddress(), server.getAddress())) {
      return null;
    }
    return new ServerSplice(connection, frontend);
  }

  /** The backend channel is being set up (nothing read yet): counts what its splices move, once they run. */
  void attach(Channel channel) {
    backend = (EpollSocketChannel) channel;
    backend.config().setRecvByteBufAllocator(new Counting(backend.config().getRecvByteBufAllocator()));
  }

  /** Nothing in the proxy reads the server's bytes from now on: the splice starts at the end of this read burst. */
  void arm() {
    armed = true;
  }

  /** Whether the server-to-client bytes move by splice now. */
  boolean isActive() {
    return active;
  }

  /**
   * Starts splicing if it was armed and not yet started. What was read so far has been written to the viewer before
   * (Netty queues the splice's writes behind it), so the stream's order holds.
   *
   * @return true when the splice started now
   */
  boolean startIfArmed(ChannelFutureListener onFailure) {
    if (!armed || active || !backend.isActive() || !frontend.isActive()) {
      return false;
    }
    active = true;
    EpollSocketChannel viewer = (EpollSocketChannel) frontend;
    // Netty splices only between level-triggered channels, which every epoll channel of Netty 4.2 is.
    Channel server = backend;
    frontend.closeFuture().addListener(closed -> server.close());
    promise = backend.newPromise();
    promise.addListener(onFailure);
    // Integer.MAX_VALUE: until the backend closes (Netty's "forever").
    backend.spliceTo(viewer, Integer.MAX_VALUE, promise);
    return true;
  }

  /**
   * The server's FIN arrived while splicing (Netty's input-shutdown event): what the server sent before it and Netty's
   * splice no longer reads goes to the viewer ({@link #drainAfterServerEnd}).
   *
   * <p>And the backend's auto-read is switched on now, if a splice waiting for the viewer's socket had switched it
   * off. Netty 4.2.18 removes a channel from epoll once it wants no event of it (its input ended, nothing to write)
   * but keeps it marked registered, so the splice switching it back on later would fail (epoll_ctl MOD: ENOENT) and
   * close the backend, with the viewer's last input after the server's FIN still to come. Now, during the event,
   * Netty still watches the socket for the FIN, so the switch is a plain modification.
   */
  void serverEnded() {
    backend.config().setAutoRead(true);
    drainAfterServerEnd();
  }

  /**
   * Reads what the server's socket still holds after its FIN (Netty stopped reading it) and writes it to the viewer
   * behind what is queued, counting it. Stops at the end, when nothing more is there, or at a read error (then the
   * server's connection is broken and its close follows).
   */
  private void drainAfterServerEnd() {
    ByteBufAllocator alloc = frontend.alloc();
    for (;;) {
      ByteBuf buf = alloc.directBuffer(DRAIN_CHUNK);
      int n;
      try {
        ByteBuffer nio = buf.internalNioBuffer(0, DRAIN_CHUNK);
        n = backend.fd().read(nio, nio.position(), nio.limit());
      } catch (IOException e) {
        n = 0;
      }
      if (n <= 0) {
        buf.release();
        break;
      }
      buf.writerIndex(n);
      connection.splicedFromServer(n);
      connection.writeToViewer(buf);
    }
    frontend.flush();
  }

  /** Closes the server's side without draining it: a drain would splice into a viewer that is going away. */
  void closeBackend() {
    backend.flush();
    backend.close();
  }

  /** The backend's allocator, unchanged but for handing each splice's count to the relay. */
  private final class Counting implements RecvByteBufAllocator {

    private final RecvByteBufAllocator delegate;

    Counting(RecvByteBufAllocator delegate) {
      this.delegate = delegate;
    }

    @Override
    public Handle newHandle() {
      return new CountingHandle((ExtendedHandle) delegate.newHandle());
    }
  }

  /** Epoll channels need an {@link RecvByteBufAllocator.ExtendedHandle}; every allocator Netty ships gives one. */
  private final class CountingHandle extends RecvByteBufAllocator.DelegatingHandle
      implements RecvByteBufAllocator.ExtendedHandle {

    private final RecvByteBufAllocator.ExtendedHandle extended;

    CountingHandle(RecvByteBufAllocator.ExtendedHandle delegate) {
      super(delegate);
      this.extended = delegate;
    }

    @Override
    public void lastBytesRead(int bytes) {
      super.lastBytesRead(bytes);
      if (active && bytes > 0 && !promise.isDone()) {
        // While the splice runs every read of the backend is a splice; once it failed, Netty reads and copies
        // again, and the relay counts what it copies.
        connection.splicedFromServer(bytes);
      }
    }

    /**
     * Netty splices at most this many bytes per readiness. An adaptive handle learns its guess only from reads that
     * filled what they attempted, which a splice never reports, so it would keep the small guess of the handshake's
     * reads (down to 64 bytes) and move the stream in tiny pieces.
     */
    @Override
    public int guess() {
      return active && !promise.isDone() ? SPLICE_LENGTH : super.guess();
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return extended.continueReading(maybeMoreDataSupplier);
    }
  }
}
