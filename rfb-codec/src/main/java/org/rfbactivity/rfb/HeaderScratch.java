package org.rfbactivity.rfb;

/**
 * A small preallocated array for a fixed-size field or header that spans two or more buffers.
 * Bytes are copied in only when a header is split; a header that lies within one buffer is read in place.
 * {@link #view()} is one {@link ArrayView} over the array, so split and unsplit headers are parsed by the same
 * absolute-getter code. It never leaves the inspector.
 */
final class HeaderScratch {

  /** Largest field read at once: ServerInit's 24-byte fixed part (docs/protocol.md#serverinit). */
  static final int CAPACITY = 24;

  private final byte[] bytes = new byte[CAPACITY];
  private final ArrayView view = new ArrayView(bytes);
  private int length;

  /** Bytes collected so far. */
  int length() {
    return length;
  }

  /**
   * Copies bytes from {@code buf[index, end)} until {@code target} bytes are collected.
   *
   * @return the number of bytes copied
   */
  int fill(ByteView buf, int index, int end, int target) {
    int count = Math.min(target - length, end - index);
    buf.getBytes(index, bytes, length, count);
    length += count;
    return count;
  }

  /** The collected bytes, readable with absolute getters from index 0. */
  ByteView view() {
    return view;
  }

  void clear() {
    length = 0;
  }
}
