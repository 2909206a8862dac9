package org.rfbactivity.rfb;

/**
 * 22 xvp: the client sends U8 user length, U8 target length, user and target, then the exchange goes on as VNC
 * authentication (server 16-byte challenge, client 16-byte response). noVNC sends the names from the client;
 * rfbproto's text has the server send them, and we follow the implementation
 * (docs/protocol.md#xvp-authentication).
 */
final class XvpExchange extends SecurityExchange {

  private static final long CHALLENGE_BYTES = 16;

  private boolean serverSkipping;
  private boolean clientSkipping;

  @Override
  boolean server(HandshakeParser in) {
    if (!serverSkipping) {
      in.startSkip(CHALLENGE_BYTES);
      serverSkipping = true;
    }
    return in.skipped();
  }

  @Override
  boolean client(HandshakeParser in) {
    if (!clientSkipping) {
      if (!in.field(2)) {
        return false;
      }
      ByteView lengths = in.fieldBytes();
      in.startSkip(lengths.getUnsignedByte(0) + lengths.getUnsignedByte(1) + CHALLENGE_BYTES);
      in.consumeField();
      clientSkipping = true;
    }
    return in.skipped();
  }
}
