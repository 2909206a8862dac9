package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Observes one RFB (VNC) connection from byte slices, whatever carries them: a WebSocket library, blocking sockets,
 * NIO channels, a recorded stream. It is the parser {@link RfbInspector} adapts to Netty, with the same events, the
 * same blind contract and no allocation per message; a proxy that is not built on Netty hands it each direction's
 * bytes as it relays them:
 *
 * <pre>{@code
 * RfbStreamInspector inspector = new RfbStreamInspector(listener);
 * // for each chunk relayed from the viewer to the VNC server, in order:
 * inspector.clientBytes(chunk, 0, length);
 * // for each chunk relayed from the VNC server to the viewer, in order:
 * inspector.serverBytes(byteBuffer);
 * }</pre>
 *
 * <p>Each direction's slices must be passed in stream order, and a client slice must be passed no earlier than
 * the server bytes it answers (a relay does that by passing each slice when it relays it); how the bytes are cut
 * into slices does not matter. The bytes are read with absolute getters and never changed, copied beyond a split
 * header of at most 24 bytes, or kept after the call returns: neither an array's contents nor a
 * {@code ByteBuffer}'s position, limit or byte order changes, and the caller may reuse the slice at once.
 *
 * <p>In lenient mode (the default) a protocol problem makes the connection blind: bytes are still counted, one
 * {@link RfbListener#inspectionLost} event is emitted, and nothing more is interpreted. In strict mode an
 * {@link RfbProtocolException} is thrown instead. An exception thrown by the listener never escapes (the connection
 * goes blind with {@link BlindReason#INTERNAL_ERROR}), except in strict mode.
 *
 * <p>Not thread-safe: one instance per connection, called by one thread at a time (for example the thread or lock
 * that relays the connection), so that both directions are seen in causal order (the reason
 * docs/protocol.md#one-event-loop-for-both-directions gives for Netty's single event loop). The listener is called on
 * that thread, during the call that brought the bytes, and must be quick. {@link #counters()} and {@link #isBlind()}
 * may be read from any thread.
 */
public final class RfbStreamInspector {

  private final RfbInspectorConfig config;
  private final ConnectionState conn;
  private final ServerHandshakeParser server;
  private final ClientStreamParser client;
  /** One view per direction and kind of slice: a listener may feed the other direction while one is parsed. */
  private final ByteBufView clientBuf = new ByteBufView();
  private final ByteBufView serverBuf = new ByteBufView();
  private ArrayView clientArray;
  private ArrayView serverArray;
  private BufferView clientBuffer;
  private BufferView serverBuffer;
  /** A parse of that direction is under way (a listener callback may re-enter). */
  private boolean parsingClient;
  private boolean parsingServer;

  /**
   * An inspector with {@link RfbInspectorConfig#defaults()}.
   *
   * @param listener told of everything the connection shows, during the calls that bring the bytes
   */
  public RfbStreamInspector(RfbListener listener) {
    this(RfbInspectorConfig.defaults(), listener);
  }

  /**
   * An inspector with {@code config}; its {@link RfbInspectorConfig#placement()} does not apply here, since each
   * call names its direction.
   *
   * @param config strictness and keysyms
   * @param listener told of everything the connection shows, during the calls that bring the bytes
   */
  public RfbStreamInspector(RfbInspectorConfig config, RfbListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.conn = new ConnectionState(Objects.requireNonNull(listener, "listener"), config);
    this.server = new ServerHandshakeParser(conn);
    this.client = new ClientStreamParser(conn);
  }

  /**
   * Client→server bytes {@code bytes[offset, offset + length)}, following those of the previous call.
   *
   * @param bytes read, never changed or kept
   * @param offset the index of the first byte
   * @param length how many bytes
   * @throws IndexOutOfBoundsException if the range is not inside {@code bytes}
   */
  public void clientBytes(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    long start = admit(Direction.CLIENT_TO_SERVER, length);
    if (start >= 0) {
      if (clientArray == null) {
        clientArray = new ArrayView();
      }
      parse(Direction.CLIENT_TO_SERVER, clientArray.of(bytes), offset, offset + length, start);
    }
  }

  /**
   * Client→server bytes from {@code bytes}' position to its limit, following those of the previous call.
   *
   * @param bytes read with absolute getters; its position, limit and order are left as they are, and it is not kept
   */
  public void clientBytes(ByteBuffer bytes) {
    if (bytes.hasArray()) {
      // A writable heap buffer: its array is read directly, faster than its getters (ClientStreamParserBenchmark).
      clientBytes(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      return;
    }
    long start = admit(Direction.CLIENT_TO_SERVER, bytes.remaining());
    if (start >= 0) {
      if (clientBuffer == null) {
        clientBuffer = new BufferView();
      }
      parse(Direction.CLIENT_TO_SERVER, clientBuffer.of(bytes), bytes.position(), bytes.limit(), start);
    }
  }

  /**
   * Server→client bytes {@code bytes[offset, offset + length)}, following those of the previous call.
   *
   * @param bytes read, never changed or kept
   * @param offset the index of the first byte
   * @param length how many bytes
   * @throws IndexOutOfBoundsException if the range is not inside {@code bytes}
   */
  public void serverBytes(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    long start = admit(Direction.SERVER_TO_CLIENT, length);
    if (start >= 0) {
      if (serverArray == null) {
        serverArray = new ArrayView();
      }
      parse(Direction.SERVER_TO_CLIENT, serverArray.of(bytes), offset, offset + length, start);
    }
  }

  /**
   * Server→client bytes from {@code bytes}' position to its limit, following those of the previous call.
   *
   * @param bytes read with absolute getters; its position, limit and order are left as they are, and it is not kept
   */
  public void serverBytes(ByteBuffer bytes) {
    if (bytes.hasArray()) {
      serverBytes(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      return;
    }
    long start = admit(Direction.SERVER_TO_CLIENT, bytes.remaining());
    if (start >= 0) {
      if (serverBuffer == null) {
        serverBuffer = new BufferView();
      }
      parse(Direction.SERVER_TO_CLIENT, serverBuffer.of(bytes), bytes.position(), bytes.limit(), start);
    }
  }

  /** {@return the live counters, readable from any thread} */
  public RfbCounters counters() {
    return conn.counters;
  }

  /** {@return whether interpretation has stopped for this connection (bytes are still counted)} */
  public boolean isBlind() {
    return conn.isBlind();
  }

  /** {@return the configuration it was built with} */
  public RfbInspectorConfig config() {
    return config;
  }

  /**
   * Names the connection in the inspector's DEBUG lines, for example with the embedder's connection id. The label
   * is logged as given: it must hold no payload or secret.
   *
   * @param label the connection's name
   */
  public void label(String label) {
    conn.label(Objects.requireNonNull(label, "label"));
  }

  /** The readable bytes of a Netty buffer: {@link RfbInspector}'s path. */
  void bytes(Direction direction, ByteBuf buf) {
    int from = buf.readerIndex();
    int to = buf.writerIndex();
    long start = admit(direction, to - from);
    if (start >= 0) {
      ByteBufView view = direction == Direction.CLIENT_TO_SERVER ? clientBuf : serverBuf;
      parse(direction, view.of(buf), from, to, start);
    }
  }

  /** The transport handed over something that is not bytes: the connection cannot be followed. */
  void unsupported(Direction direction, String what) {
    long offset = direction == Direction.CLIENT_TO_SERVER ? conn.counters.bytesFromClient()
        : conn.counters.bytesFromServer();
    conn.goBlind(direction, BlindReason.UNSUPPORTED_MESSAGE_OBJECT, offset, what, null);
  }

  /**
   * Counts {@code length} bytes of {@code direction} and decides whether to parse them.
   *
   * @return the stream offset of their first byte, or -1 when they are not parsed (none, blind, re-entered)
   */
  private long admit(Direction direction, int length) {
    if (length == 0) {
      return -1;
    }
    boolean fromClient = direction == Direction.CLIENT_TO_SERVER;
    long offset = fromClient ? conn.counters.bytesFromClient() : conn.counters.bytesFromServer();
    conn.counters.addBytes(direction, length);
    if (conn.isBlind()) {
      return -1;
    }
    if (fromClient ? parsingClient : parsingServer) {
      // A listener fed the direction being parsed. In a relay these bytes travel before the rest of the slice being
      // parsed, which is passed on only after its parse: an order the parser cannot follow.
      conn.goBlind(direction, BlindReason.UNEXPECTED_DATA, offset, "re-entered from a listener", null);
      return -1;
    }
    // After ServerInit the server direction is counted, not read (docs/protocol.md#handshake).
    return fromClient || !server.isDone() ? offset : -1;
  }

  private void parse(Direction direction, ByteView view, int from, int to, long start) {
    boolean fromClient = direction == Direction.CLIENT_TO_SERVER;
    if (fromClient) {
      parsingClient = true;
    } else {
      parsingServer = true;
    }
    try {
      if (fromClient) {
        client.parse(view, from, to, start);
      } else {
        server.parse(view, from, to, start);
      }
    } catch (RfbProtocolException strictFailure) {
      throw strictFailure;
    } catch (Exception failure) {
      // A bug here or in the listener must not break the relay: stop interpreting, keep forwarding. Exception,
      // not RuntimeException: a listener may throw a checked exception undeclared (Kotlin, @SneakyThrows).
      conn.goBlind(direction, BlindReason.INTERNAL_ERROR, start, failure.getClass().getName(), failure);
    } finally {
      view.clear();
      if (fromClient) {
        parsingClient = false;
      } else {
        parsingServer = false;
      }
    }
  }
}
