package org.rfbactivity.rfb;

/**
 * Where each client message begins and ends, as a {@link ClientMessageFramer} frames it: what a filter needs to
 * forward or drop whole messages (docs/protocol.md#message-boundaries). Offsets count bytes of the client→server stream
 * from its first byte. Called on the channel's event loop, synchronously, during the parse of the bytes that decided
 * it; must be quick and allocation-free.
 */
public interface ClientMessageBoundaries {

  /**
   * The handshake has ended (ClientInit is complete).
   *
   * @param offset where client messages start
   */
  void messagesBegin(long offset);

  /**
   * One client message, as soon as its end is known: for most types at its header, for SetEncodings, gii injection
   * and KasmVNC's BinaryClipboard at their last length field. Its bytes may not all have arrived yet. Messages are
   * reported in stream order and are contiguous: {@code start} is the previous message's {@code end}.
   *
   * @param type the message type byte
   * @param inputClasses the {@link InputClass#bit()}s the message needs (0: not input)
   * @param start the offset of its type byte
   * @param end the offset just past its last byte
   */
  void message(int type, int inputClasses, long start, long end);

  /**
   * The stream can no longer be framed (an encrypted or unknown security type, an unframeable message, a protocol
   * error): no boundary follows. Once.
   *
   * @param direction the direction that could not be followed
   * @param reason why
   * @param offset the offset in {@code direction}'s stream of the first byte that was not interpreted
   */
  void lost(Direction direction, BlindReason reason, long offset);

  /** Does nothing: the inspector's boundaries. */
  enum None implements ClientMessageBoundaries {
    /** The one instance. */
    INSTANCE;

    @Override
    public void messagesBegin(long offset) {
    }

    @Override
    public void message(int type, int inputClasses, long start, long end) {
    }

    @Override
    public void lost(Direction direction, BlindReason reason, long offset) {
    }
  }
}
