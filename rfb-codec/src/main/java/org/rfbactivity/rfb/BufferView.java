package org.rfbactivity.rfb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link ByteView} over a {@code java.nio.ByteBuffer} (heap, direct or read-only), indexed as the buffer is
 * (position to limit). It reads big-endian whatever the buffer's own order, without changing that order or the
 * position.
 */
final class BufferView extends ByteView {

  private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private ByteBuffer buffer;

  BufferView of(ByteBuffer bytes) {
    buffer = bytes;
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
    return (short) SHORT.get(buffer, index);
  }

  @Override
  int getInt(int index) {
    return (int) INT.get(buffer, index);
  }

  @Override
  long getLong(int index) {
    return (long) LONG.get(buffer, index);
  }

  @Override
  void getBytes(int index, byte[] destination, int destinationIndex, int length) {
    buffer.get(index, destination, destinationIndex, length);
  }
}
