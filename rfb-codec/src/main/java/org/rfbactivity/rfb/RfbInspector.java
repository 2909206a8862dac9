package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

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
 *
 * <p>It is a thin adapter: the parsing is {@link RfbStreamInspector}'s, which a proxy that is not built on Netty uses
 * directly.
 */
public final class RfbInspector extends ChannelDuplexHandler {

  private final RfbStreamInspector streams;
  private final Direction readDirection;
  private final Direction writeDirection;

  /**
   * An inspector with {@link RfbInspectorConfig#defaults()}.
   *
   * @param listener told of everything the connection shows, on the channel's event loop
   */
  public RfbInspector(RfbListener listener) {
    this(RfbInspectorConfig.defaults(), listener);
  }

  /**
   * An inspector with {@code config}.
   *
   * @param config placement, strictness and keysyms
   * @param listener told of everything the connection shows, on the channel's event loop
   */
  public RfbInspector(RfbInspectorConfig config, RfbListener listener) {
    this.streams = new RfbStreamInspector(config, listener);
    boolean backend = config.placement() == RfbInspectorConfig.Placement.BACKEND;
    this.readDirection = backend ? Direction.SERVER_TO_CLIENT : Direction.CLIENT_TO_SERVER;
    this.writeDirection = backend ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
  }

  /** {@return the live counters, readable from any thread} */
  public RfbCounters counters() {
    return streams.counters();
  }

  /** {@return whether interpretation has stopped for this connection (bytes are still relayed)} */
  public boolean isBlind() {
    return streams.isBlind();
  }

  /** {@return the configuration it was built with} */
  public RfbInspectorConfig config() {
    return streams.config();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    streams.label("[id: 0x" + ctx.channel().id().asShortText() + "]");
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
    if (buf == null) {
      streams.unsupported(direction, msg.getClass().getName());
      return;
    }
    streams.bytes(direction, buf);
  }
}
