package org.rfbactivity.rfb;

/**
 * 30 Apple Diffie-Hellman (docs/protocol.md#apple-diffie-hellman): the server sends U16
 * generator, U16 key length, then prime and public key of key-length bytes each; the client answers 128 bytes of
 * encrypted credentials and its own public key. The server's key length sizes the client's answer.
 */
final class AppleDhExchange extends SecurityExchange {

  /** Apple DH key lengths seen are 128–512 bytes; a far larger one is not ARD. */
  static final int MAX_KEY_BYTES = 8192;
  private static final long CREDENTIAL_BYTES = 128;

  /** From the server's half; -1 until it has been read. */
  private int keyLength = -1;
  private boolean serverSkipping;
  private boolean clientSkipping;

  @Override
  boolean server(HandshakeParser in) {
    if (!serverSkipping) {
      if (!in.field(4)) {
        return false;
      }
      int length = in.fieldBytes().getUnsignedShort(2);
      in.consumeField();
      if (length == 0 || length > MAX_KEY_BYTES) {
        in.goBlind(BlindReason.IMPLAUSIBLE_LENGTH, in.offset() - 2, "DH key length " + length);
        return false;
      }
      keyLength = length;
      in.startSkip(2L * length);
      serverSkipping = true;
    }
    return in.skipped();
  }

  @Override
  boolean client(HandshakeParser in) {
    if (!clientSkipping) {
      if (!in.awaited(keyLength >= 0, "Apple DH response before the server's key")) {
        return false;
      }
      in.startSkip(CREDENTIAL_BYTES + keyLength);
      clientSkipping = true;
    }
    return in.skipped();
  }
}
