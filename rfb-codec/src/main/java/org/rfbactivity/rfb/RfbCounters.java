package org.rfbactivity.rfb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Live per-connection counters. Written only by the channel's event loop (single writer, release stores, so the
 * hot path pays no lock and no CAS); readable at any time from any thread (acquire loads). Each value is exact
 * as of some recent moment; two values read one after the other may come from different moments.
 */
public final class RfbCounters {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int CLIENT = 0;
  private static final int SERVER = 1;
  private static final InputKind[] KINDS = InputKind.values();

  private final long[] bytes = new long[2];
  private final long[] messages = new long[256];
  private final long[] inputs = new long[KINDS.length];

  RfbCounters() {
  }

  /** {@return the bytes relayed from the viewer to the server, whether or not they were interpreted} */
  public long bytesFromClient() {
    return (long) LONGS.getAcquire(bytes, CLIENT);
  }

  /** {@return the bytes relayed from the server to the viewer} */
  public long bytesFromServer() {
    return (long) LONGS.getAcquire(bytes, SERVER);
  }

  /**
   * Client messages framed after ClientInit with this message-type byte (docs/protocol.md#framing), counted when their
   * header has been read.
   *
   * @param messageType 0..255
   * @return how many were framed
   */
  public long messages(int messageType) {
    if (messageType < 0 || messageType > 255) {
      throw new IllegalArgumentException("messageType must be 0..255: " + messageType);
    }
    return (long) LONGS.getAcquire(messages, messageType);
  }

  /**
   * {@return how often {@link RfbListener#input} was called with {@code kind}}
   *
   * @param kind the input kind
   */
  public long inputs(InputKind kind) {
    return (long) LONGS.getAcquire(inputs, Objects.requireNonNull(kind, "kind").ordinal());
  }

  void addBytes(Direction direction, long count) {
    int slot = direction == Direction.CLIENT_TO_SERVER ? CLIENT : SERVER;
    LONGS.setRelease(bytes, slot, bytes[slot] + count);
  }

  void countMessage(int messageType) {
    LONGS.setRelease(messages, messageType, messages[messageType] + 1);
  }

  void countInput(InputKind kind) {
    int slot = kind.ordinal();
    LONGS.setRelease(inputs, slot, inputs[slot] + 1);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("RfbCounters{bytesFromClient=").append(bytesFromClient())
        .append(", bytesFromServer=").append(bytesFromServer()).append(", inputs={");
    for (InputKind kind : KINDS) {
      text.append(kind).append('=').append(inputs(kind)).append(kind.ordinal() < KINDS.length - 1 ? ", " : "");
    }
    return text.append("}}").toString();
  }
}
