package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;
import java.nio.ByteOrder;

/** A {@link ByteView} over a Netty buffer, indexed as the buffer is (reader index to writer index). */
final class ByteBufView extends ByteView {

  private ByteBuf buf;

  /**
   * Points at {@code buffer} until {@link #clear()}. RFB is big-endian on the wire (docs/protocol.md#byte-order): a
   * little-endian view made with the deprecated {@code ByteBuf#order} swaps every multi-byte getter, and
   * {@code order(BIG_ENDIAN)} returns the buffer itself when it is big-endian and the underlying buffer of a swapped
   * view, so nothing is allocated.
   */
  @SuppressWarnings("deprecation")
  ByteBufView of(ByteBuf buffer) {
    buf = buffer.order(ByteOrder.BIG_ENDIAN);
    return this;
  }

  @Override
  void clear() {
    buf = null;
  }

  @Override
  byte getByte(int index) {
    return buf.getByte(index);
  }

  @Override
  short getShort(int index) {
    return buf.getShort(index);
  }

  @Override
  int getInt(int index) {
    return buf.getInt(index);
  }

  @Override
  long getLong(int index) {
    return buf.getLong(index);
  }

  @Override
  void getBytes(int index, byte[] destination, int destinationIndex, int length) {
    buf.getBytes(index, destination, destinationIndex, length);
  }
}
