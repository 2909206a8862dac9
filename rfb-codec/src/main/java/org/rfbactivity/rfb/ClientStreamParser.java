package org.rfbactivity.rfb;

/**
 * The client→server direction: the handshake until ClientInit, then the message loop, within one buffer when
 * the boundary falls inside it.
 */
final class ClientStreamParser {

  private final HeaderScratch scratch = new HeaderScratch();
  private final ConnectionState conn;
  private final ClientHandshakeParser handshake;
  private final ClientMessageParser messages;

  ClientStreamParser(ConnectionState conn) {
    this.conn = conn;
    this.handshake = new ClientHandshakeParser(conn, scratch);
    this.messages = new ClientMessageParser(conn, scratch);
  }

  /** Whether ClientInit is behind: the bytes parsed from now on are client messages. */
  boolean inMessagePhase() {
    return handshake.inMessagePhase();
  }

  /** Parses {@code buf[from, to)}; {@code start} is the client stream offset of the byte at {@code from}. */
  void parse(ByteView buf, int from, int to, long start) {
    int at = from;
    if (!handshake.inMessagePhase()) {
      at = handshake.parse(buf, from, to, start);
      // handshakeCompleted may have made the connection blind (a listener that failed or re-entered): the message
      // loop checks that before each unit.
      if (!handshake.inMessagePhase()) {
        return;
      }
      conn.boundaries.messagesBegin(start + (at - from));
    }
    messages.parse(buf, at, to, start + (at - from));
  }
}
