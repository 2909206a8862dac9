package org.rfbactivity.proxy.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Blocking reads that feed a digest. */
final class Streams {

  private Streams() {}

  static int readExactly(InputStream in, int n, MessageDigest digest) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException("expected " + n + " bytes, got " + b.length);
    }
    digest.update(b);
    return n;
  }

  static long readToEnd(InputStream in, MessageDigest digest) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      digest.update(buf, 0, n);
      total += n;
    }
    return total;
  }

  static long readAtLeast(InputStream in, long n, MessageDigest digest) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    while (total < n) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n - total));
      if (r < 0) {
        throw new EOFException("expected " + n + " bytes, got " + total);
      }
      digest.update(buf, 0, r);
      total += r;
    }
    return total;
  }
}
