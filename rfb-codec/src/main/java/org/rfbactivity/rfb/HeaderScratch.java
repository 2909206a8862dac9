package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A small preallocated array for a fixed-size field or header that spans two or more buffers.
 * Bytes are copied in only when a header is split; a header that lies within one buffer is read in place.
 * {@link #view()} wraps the array once, so split and unsplit headers are parsed by the same absolute-getter code.
 * The wrapper is an unpooled heap buffer that owns no pooled memory; it is never released and never leaves the
 * inspector.
 */
final class HeaderScratch {

  /** Largest field read at once: ServerInit's 24-byte fixed part (docs/protocol.md#serverinit). */
  static final int CAPACITY = 24;

  private final byte[] bytes = new byte[CAPACITY];
  private final ByteBuf view = Unpooled.wrappedBuffer(bytes);
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
  int fill(ByteBuf buf, int index, int end, int target) {
    int count = Math.min(target - length, end - index);
    buf.getBytes(index, bytes, length, count);
    length += count;
    return count;
  }

  /** The collected bytes, readable with absolute getters from index 0. */
  ByteBuf view() {
    return view;
  }

  void clear() {
    length = 0;
  }
}
