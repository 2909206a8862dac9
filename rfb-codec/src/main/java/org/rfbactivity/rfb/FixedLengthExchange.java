package org.rfbactivity.rfb;

/**
 * The exchanges in which each side sends a fixed number of bytes: VNC authentication (16-byte
 * challenge, 16-byte DES response), UltraVNC MS-Logon II (server 8 generator + 8 modulus + 8 public key; client 8
 * public key + 256 encrypted user + 64 encrypted password), also as 3.3's legacy 0xFFFFFFFA, and UltraVNC
 * MS-Logon III (server 32-byte X25519 key; client 32 + 256 + 64).
 */
final class FixedLengthExchange extends SecurityExchange {

  private final long serverBytes;
  private final long clientBytes;
  private boolean serverSkipping;
  private boolean clientSkipping;

  private FixedLengthExchange(long serverBytes, long clientBytes) {
    this.serverBytes = serverBytes;
    this.clientBytes = clientBytes;
  }

  /** docs/protocol.md#vnc-authentication */
  static FixedLengthExchange vncAuth() {
    return new FixedLengthExchange(16, 16);
  }

  /** docs/protocol.md#ms-logon-ii */
  static FixedLengthExchange msLogonII() {
    return new FixedLengthExchange(24, 328);
  }

  /** docs/protocol.md#ms-logon-iii */
  static FixedLengthExchange msLogonIII() {
    return new FixedLengthExchange(32, 352);
  }

  @Override
  boolean server(HandshakeParser in) {
    if (!serverSkipping) {
      in.startSkip(serverBytes);
      serverSkipping = true;
    }
    return in.skipped();
  }

  @Override
  boolean client(HandshakeParser in) {
    if (!clientSkipping) {
      in.startSkip(clientBytes);
      clientSkipping = true;
    }
    return in.skipped();
  }
}
