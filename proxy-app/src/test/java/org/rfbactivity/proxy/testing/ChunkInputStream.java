package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.io.InputStream;

/** A byte stream over chunks (WebSocket message payloads) that arrive one at a time. */
abstract class ChunkInputStream extends InputStream {

  private byte[] current = new byte[0];
  private int pos;
  private boolean ended;

  /** The next chunk (may be empty), or null at the end of the stream. */
  protected abstract byte[] nextChunk() throws IOException;

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (pos == current.length) {
      byte[] next = ended ? null : nextChunk();
      if (next == null) {
        ended = true;
        return -1;
      }
      current = next;
      pos = 0;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }
}
