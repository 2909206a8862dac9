package org.rfbactivity.rfb;

/**
 * 6 RA2ne and 130 RA2ne_256: both halves have the same shape (docs/protocol.md#ra2ne-and-ra2ne_256; TigerVNC
 * SSecurityRSAAES with isAllEncrypted=false): U32 key length in bits, modulus and exponent of ⌈bits/8⌉ bytes each; U16
 * length + RSA-encrypted random; then two AES-EAX frames, each U16 length + ciphertext + 16-byte MAC (the hash, then
 * the subtype from the server or the credentials from the client). Only the exchange is encrypted: the SecurityResult
 * and everything after it are plain.
 */
final class Ra2neExchange extends SecurityExchange {

  /** TigerVNC's accepted range of RSA key lengths, in bits. */
  static final long MIN_KEY_BITS = 1024;
  static final long MAX_KEY_BITS = 8192;
  private static final int FRAMES = 2;
  private static final int MAC_BYTES = 16;

  private final Half serverHalf = new Half();
  private final Half clientHalf = new Half();

  @Override
  boolean server(HandshakeParser in) {
    return serverHalf.exchanged(in);
  }

  @Override
  boolean client(HandshakeParser in) {
    return clientHalf.exchanged(in);
  }

  /** One direction's progress; neither half needs anything from the other. */
  private static final class Half {

    private int step;
    private int framesLeft;

    boolean exchanged(HandshakeParser in) {
      for (;;) {
        switch (step) {
          case 0:
            if (!in.field(4)) {
              return false;
            }
            long bits = in.u32Field();
            if (bits < MIN_KEY_BITS || bits > MAX_KEY_BITS) {
              in.implausible(bits);
              return false;
            }
            in.startSkip(2 * ((bits + 7) / 8));
            step = 1;
            break;
          case 1:
            if (!in.skipped()) {
              return false;
            }
            in.startPrefixed(2);
            step = 2;
            break;
          case 2:
            if (!in.prefixedSkipped(0xFFFF)) {
              return false;
            }
            framesLeft = FRAMES;
            step = 3;
            break;
          case 3:
            if (framesLeft == 0) {
              return true;
            }
            if (!in.field(2)) {
              return false;
            }
            in.startSkip(in.u16Field() + (long) MAC_BYTES);
            step = 4;
            break;
          case 4:
            if (!in.skipped()) {
              return false;
            }
            framesLeft--;
            step = 3;
            break;
          default:
            throw new IllegalStateException("RA2 step " + step);
        }
      }
    }
  }
}
