package org.rfbactivity.rfb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** A {@link ByteView} over a {@code byte[]}, indexed as the array is. */
final class ArrayView extends ByteView {

  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] array;

  ArrayView() {
  }

  /** A view that always reads {@code owned} (the header scratch's). */
  ArrayView(byte[] owned) {
    this.array = owned;
  }

  ArrayView of(byte[] bytes) {
    array = bytes;
    return this;
  }

  @Override
  void clear() {
    array = null;
  }

  @Override
  byte getByte(int index) {
    return array[index];
  }

  @Override
  short getShort(int index) {
    return (short) SHORT.get(array, index);
  }

  @Override
  int getInt(int index) {
    return (int) INT.get(array, index);
  }

  @Override
  long getLong(int index) {
    return (long) LONG.get(array, index);
  }

  @Override
  void getBytes(int index, byte[] destination, int destinationIndex, int length) {
    System.arraycopy(array, index, destination, destinationIndex, length);
  }
}
