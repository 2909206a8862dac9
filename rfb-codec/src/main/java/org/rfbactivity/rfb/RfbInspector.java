package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Observes one RFB (VNC) connection and reports handshake facts and every piece of client input to an
 * {@link RfbListener}, without changing, copying, retaining or delaying a single byte.
 *
 * <p>Add one instance per connection to the backend channel of a proxy (server bytes are reads, client bytes are
 * writes), or, with {@link RfbInspectorConfig.Placement#CLIENT_FACING}, to a raw TCP channel accepted from the
 * viewer:
 *
 * <pre>{@code
 * backend.pipeline().addLast("rfb", new RfbInspector(listener));
 * }</pre>
 *
 * <p>Both channels of the proxy must share one event loop (open the backend with
 * {@code bootstrap.group(frontend.eventLoop())}, as Netty's proxy example does,
 * docs/protocol.md#one-event-loop-for-both-directions): the inspector then
 * sees each direction's bytes in causal order on one thread and needs no locks.
 *
 * <p>Every message is parsed with absolute getters and then passed on as the same object with unchanged
 * reader/writer index and reference count, also when parsing failed. In lenient mode (the default) a protocol
 * problem makes the connection blind: bytes keep flowing, one {@link RfbListener#inspectionLost} event and one DEBUG
 * line (without payload) are emitted. In strict mode the offending buffer is released and an
 * {@link RfbProtocolException} is thrown instead. Not {@code @Sharable}: it holds per-connection state.
 */
public final class RfbInspector extends ChannelDuplexHandler {

  private final RfbInspectorConfig config;
  private final ConnectionState conn;
  private final ServerHandshakeParser server;
  private final ClientStreamParser client;
  private final Direction readDirection;
  private final Direction writeDirection;
  /** A parse of that direction is under way (a listener callback may re-enter the handler). */
  private boolean parsingClient;
  private boolean parsingServer;

  /** An inspector with {@link RfbInspectorConfig#defaults()}. */
  public RfbInspector(RfbListener listener) {
    this(RfbInspectorConfig.defaults(), listener);
  }

  public RfbInspector(RfbInspectorConfig config, RfbListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.conn = new ConnectionState(Objects.requireNonNull(listener, "listener"), config);
    this.server = new ServerHandshakeParser(conn);
    this.client = new ClientStreamParser(conn);
    boolean backend = config.placement() == RfbInspectorConfig.Placement.BACKEND;
    this.readDirection = backend ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
    this.writeDirection = backend ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
  }

  /** Live counters, readable from any thread. */
  public RfbCounters counters() {
    return conn.counters;
  }

  /** Whether interpretation has stopped for this connection (bytes are still relayed). */
  public boolean isBlind() {
    return conn.isBlind();
  }

  public RfbInspectorConfig config() {
    return config;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    conn.label("[id: 0x" + ctx.channel().id().asShortText() + "]");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inspectOrRelease(readDirection, msg);
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    inspectOrRelease(writeDirection, msg);
    ctx.write(msg, promise);
  }

  /**
   * Whatever leaves here (strict mode's exception, or an {@link Error} from a listener, which is not swallowed)
   * leaves after the message was released, so nothing leaks.
   */
  private void inspectOrRelease(Direction direction, Object msg) {
    try {
      inspect(direction, msg);
    } catch (RfbProtocolException | Error failure) {
      ReferenceCountUtil.release(msg);
      throw failure;
    }
  }

  /**
   * Parses the readable bytes of one message of one direction. Package-private so benchmarks can drive the same
   * path without a pipeline.
   */
  void inspect(Direction direction, Object msg) {
    ByteBuf buf = msg instanceof ByteBuf ? (ByteBuf) msg
        : msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content() : null;
    long offset = direction == Direction.CLIENT_TO_SERVER ? conn.counters.bytesFromClient()
        : conn.counters.bytesFromServer();
    if (buf == null) {
      conn.goBlind(direction, BlindReason.UNSUPPORTED_MESSAGE_OBJECT, offset, msg.getClass().getName(), null);
      return;
    }
    int readable = buf.readableBytes();
    if (readable == 0) {
      return;
    }
    buf = bigEndian(buf);
    conn.counters.addBytes(direction, readable);
    if (conn.isBlind()) {
      return;
    }
    boolean fromClient = direction == Direction.CLIENT_TO_SERVER;
    if (fromClient ? parsingClient : parsingServer) {
      // A listener wrote (or fired a read) into the direction being parsed. These bytes travel before the rest of
      // the buffer being parsed, which is passed on only after its parse: an order the parser cannot follow.
      conn.goBlind(direction, BlindReason.UNEXPECTED_DATA, offset, "re-entered from a listener", null);
      return;
    }
    if (fromClient) {
      parsingClient = true;
    } else {
      parsingServer = true;
    }
    try {
      if (fromClient) {
        client.parse(buf, offset);
      } else if (!server.isDone()) {
        server.parse(buf, buf.readerIndex(), buf.writerIndex(), offset);
      }
    } catch (RfbProtocolException strictFailure) {
      throw strictFailure;
    } catch (Exception failure) {
      // A bug here or in the listener must not break the relay: stop interpreting, keep forwarding. Exception,
      // not RuntimeException: a listener may throw a checked exception undeclared (Kotlin, @SneakyThrows).
      conn.goBlind(direction, BlindReason.INTERNAL_ERROR, offset, failure.getClass().getName(), failure);
    } finally {
      if (fromClient) {
        parsingClient = false;
      } else {
        parsingServer = false;
      }
    }
  }

  /**
   * RFB is big-endian on the wire (docs/protocol.md#byte-order). A little-endian view made with
   * the deprecated {@code ByteBuf#order} swaps every multi-byte getter; {@code order(BIG_ENDIAN)} returns the
   * buffer itself when it is big-endian and the underlying buffer of a swapped view, so nothing is allocated.
   * Only the parser reads the result; the message passed on is the one received.
   */
  @SuppressWarnings("deprecation")
  private static ByteBuf bigEndian(ByteBuf buf) {
    return buf.order(ByteOrder.BIG_ENDIAN);
  }
}
