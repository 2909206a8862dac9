package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Follows one RFB connection with the inspector's own parsers (both directions: the server's choices decide how the
 * client's stream reads) and reports where each client message begins and ends to a {@link ClientMessageBoundaries}:
 * the framing a filter needs to forward or drop whole messages (docs/protocol.md#message-boundaries). It reads
 * buffers with absolute getters and never changes, retains or releases them; what to do with the bytes is the
 * caller's. Lenient: a stream it cannot frame is reported once through {@link ClientMessageBoundaries#lost}, then
 * nothing more. Not thread-safe: one per connection, on its event loop.
 */
public final class ClientMessageFramer {

  private final ConnectionState conn;
  private final ServerHandshakeParser server;
  private final ClientStreamParser client;
  private final ByteBufView clientView = new ByteBufView();
  private final ByteBufView serverView = new ByteBufView();
  private long clientOffset;
  private long serverOffset;

  /**
   * A framer for one connection.
   *
   * @param boundaries told of every client message's boundaries, on the caller's thread
   */
  public ClientMessageFramer(ClientMessageBoundaries boundaries) {
    Objects.requireNonNull(boundaries, "boundaries");
    RfbListener lost = new RfbListener() {
      @Override
      public void inspectionLost(Direction direction, BlindReason reason, long offset) {
        boundaries.lost(direction, reason, offset);
      }
    };
    this.conn = new ConnectionState(lost, RfbInspectorConfig.defaults(), boundaries);
    this.server = new ServerHandshakeParser(conn);
    this.client = new ClientStreamParser(conn);
  }

  /**
   * Frames the readable client→server bytes of {@code buf}, which follow those of the previous call.
   *
   * @param buf read with absolute getters; its indices and reference count are left as they are
   */
  public void clientBytes(ByteBuf buf) {
    int readable = buf.readableBytes();
    if (readable == 0 || conn.isBlind()) {
      clientOffset += readable;
      return;
    }
    long start = clientOffset;
    clientOffset += readable;
    try {
      client.parse(clientView.of(buf), buf.readerIndex(), buf.writerIndex(), start);
    } catch (RuntimeException failure) {
      // A bug must not pass bytes it could not frame: the caller is told the stream is lost.
      conn.goBlind(Direction.CLIENT_TO_SERVER, BlindReason.INTERNAL_ERROR, start, failure.getClass().getName(),
          failure);
    } finally {
      clientView.clear();
    }
  }

  /**
   * Follows the readable server→client bytes of {@code buf} (only the handshake matters for framing).
   *
   * @param buf read with absolute getters; its indices and reference count are left as they are
   */
  public void serverBytes(ByteBuf buf) {
    int readable = buf.readableBytes();
    long start = serverOffset;
    serverOffset += readable;
    if (readable == 0 || conn.isBlind() || server.isDone()) {
      return;
    }
    try {
      server.parse(serverView.of(buf), buf.readerIndex(), buf.writerIndex(), start);
    } catch (RuntimeException failure) {
      conn.goBlind(Direction.SERVER_TO_CLIENT, BlindReason.INTERNAL_ERROR, start, failure.getClass().getName(),
          failure);
    } finally {
      serverView.clear();
    }
  }

  /** {@return whether the handshake is behind: every client byte from now on belongs to a reported message} */
  public boolean inMessagePhase() {
    return client.inMessagePhase();
  }

  /** {@return whether the stream can no longer be framed} */
  public boolean isLost() {
    return conn.isBlind();
  }

  /** {@return the client bytes seen so far: the offset the next {@link #clientBytes} call starts at} */
  public long clientOffset() {
    return clientOffset;
  }
}
