package org.rfbactivity.rfb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link ByteView} over a {@code java.nio.ByteBuffer} (heap, direct or read-only), indexed as the buffer is
 * (position to limit). It reads big-endian whatever the buffer's own order, without changing that order or the
 * position: the buffer's absolute getters, swapped when its order is little-endian.
 */
final class BufferView extends ByteView {

  private ByteBuffer buffer;
  private boolean swap;

  BufferView of(ByteBuffer bytes) {
    buffer = bytes;
    swap = bytes.order() != ByteOrder.BIG_ENDIAN;
    return this;
  }

  @Override
  void clear() {
    buffer = null;
  }

  @Override
  byte getByte(int index) {
    return buffer.get(index);
  }

  @Override
  short getShort(int index) {
    short value = buffer.getShort(index);
    return swap ? Short.reverseBytes(value) : value;
  }

  @Override
  int getInt(int index) {
    int value = buffer.getInt(index);
    return swap ? Integer.reverseBytes(value) : value;
  }

  @Override
  long getLong(int index) {
    long value = buffer.getLong(index);
    return swap ? Long.reverseBytes(value) : value;
  }

  @Override
  void getBytes(int index, byte[] destination, int destinationIndex, int length) {
    buffer.get(index, destination, destinationIndex, length);
  }
}
