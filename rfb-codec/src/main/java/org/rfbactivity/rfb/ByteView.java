package org.rfbactivity.rfb;

/**
 * What the parsers read bytes through: the absolute, big-endian getters they need (docs/protocol.md#byte-order),
 * over a Netty {@code ByteBuf}, a {@code byte[]} or a {@code java.nio.ByteBuffer}. One parser serves every transport
 * this way, and none of the views moves an index of what it reads. A view is re-pointed at each call's bytes and
 * forgets them when the call returns, so nothing is allocated per call and no buffer outlives its call.
 */
abstract class ByteView {

  /** Forgets the bytes it points at, so that nothing outlives the call that brought them. */
  abstract void clear();

  abstract byte getByte(int index);

  abstract short getShort(int index);

  abstract int getInt(int index);

  abstract long getLong(int index);

  abstract void getBytes(int index, byte[] destination, int destinationIndex, int length);

  final int getUnsignedByte(int index) {
    return getByte(index) & 0xFF;
  }

  final int getUnsignedShort(int index) {
    return getShort(index) & 0xFFFF;
  }

  final long getUnsignedInt(int index) {
    return getInt(index) & 0xFFFFFFFFL;
  }

  final long getUnsignedIntLE(int index) {
    return Integer.reverseBytes(getInt(index)) & 0xFFFFFFFFL;
  }
}
