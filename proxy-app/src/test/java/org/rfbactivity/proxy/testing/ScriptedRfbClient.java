package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Plays the client side of an {@link RfbScript} over a {@link ViewerTransport}. */
public final class ScriptedRfbClient {

  private ScriptedRfbClient() {}

  /** Does the lock-step handshake only (docs/protocol.md#handshake); returns the SHA-256 state so far. */
  public static MessageDigest handshake(ViewerTransport t, RfbScript s) throws IOException {
    MessageDigest digest = RfbScript.digest();
    InputStream in = t.in();
    byte[] ch = s.clientHandshake;
    Streams.readExactly(in, 12, digest);
    t.write(ch, 0, 12);
    Streams.readExactly(in, 2, digest);
    t.write(ch, 12, 1);
    Streams.readExactly(in, 4, digest);
    t.write(ch, 13, 1);
    Streams.readExactly(in, s.serverHandshake.length - 18, digest);
    return digest;
  }

  /**
   * Handshake, then sends the client payload (in random chunks, on {@code pool}) while reading the whole server
   * payload. Returns the SHA-256 of everything received.
   */
  public static String run(ViewerTransport t, RfbScript s, ExecutorService pool) throws Exception {
    MessageDigest digest = handshake(t, s);
    Future<?> writer = pool.submit(() -> {
      byte[] p = s.clientPayload;
      Random chunks = new Random(p.length);
      for (int off = 0; off < p.length; ) {
        int n = Math.min(p.length - off, 1 + chunks.nextInt(4096));
        t.write(p, off, n);
        off += n;
      }
      return null;
    });
    Streams.readAtLeast(t.in(), s.serverPayload.length, digest);
    try {
      writer.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("writing the client payload failed", e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
