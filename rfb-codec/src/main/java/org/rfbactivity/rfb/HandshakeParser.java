package org.rfbactivity.rfb;

/**
 * Field-reading primitives shared by the two handshake parsers and the {@link SecurityExchange} halves they drive,
 * in the shape of Netty's {@code RedisDecoder}: a subclass runs {@code for (;;) switch (state)} and each step asks
 * for a field, a skip or a capped text, getting {@code false} back ("need more bytes") until it is complete. Nothing
 * is buffered except a split fixed-size field in the {@link HeaderScratch}; skipped lengths are {@code long}
 * counters.
 *
 * <p>During one {@code parse} call the subclass sees the current buffer through {@link #buf}, {@link #index} and
 * {@link #end}; the reference is dropped when the call returns, so no buffer outlives its read or write.
 */
abstract class HandshakeParser {

  final ConnectionState conn;
  final Direction direction;
  final HeaderScratch scratch;

  ByteView buf;
  int index;
  int end;
  /** Stream offset minus buffer index for the current buffer: {@link #offset()} is {@code base + index}. */
  private long base;

  private long skipRemaining;
  private byte[] text;
  private int textFilled;
  private long textDeclared;
  private int prefixWidth;
  private boolean prefixRead;

  HandshakeParser(ConnectionState conn, Direction direction, HeaderScratch scratch) {
    this.conn = conn;
    this.direction = direction;
    this.scratch = scratch;
  }

  /**
   * Parses {@code buf[from, to)}, whose first byte is at {@code streamOffset} in this direction.
   *
   * @return the index of the first byte not consumed ({@code to} unless the handshake ended inside the buffer)
   */
  final int parse(ByteView buffer, int from, int to, long streamOffset) {
    buf = buffer;
    index = from;
    end = to;
    base = streamOffset - from;
    try {
      run();
      return index;
    } finally {
      buf = null;
    }
  }

  /** The state machine; returns when it needs more bytes, is blind, or has handed the rest of the stream on. */
  abstract void run();

  final boolean hasInput() {
    return index < end;
  }

  /** This direction's stream offset of {@link #index}. */
  final long offset() {
    return base + index;
  }

  /**
   * Collects a fixed-size field in the scratch; true when all {@code length} bytes are there (then read, then
   * {@link #consumeField()}).
   */
  final boolean field(int length) {
    if (scratch.length() < length && index < end) {
      index += scratch.fill(buf, index, end, length);
    }
    return scratch.length() == length;
  }

  final ByteView fieldBytes() {
    return scratch.view();
  }

  final void consumeField() {
    scratch.clear();
  }

  final int u8Field() {
    int value = scratch.view().getUnsignedByte(0);
    scratch.clear();
    return value;
  }

  final int u16Field() {
    int value = scratch.view().getUnsignedShort(0);
    scratch.clear();
    return value;
  }

  final long u32Field() {
    long value = scratch.view().getUnsignedInt(0);
    scratch.clear();
    return value;
  }

  final void startSkip(long length) {
    skipRemaining = length;
  }

  /** Skips what {@link #startSkip} asked for; true when done. */
  final boolean skipped() {
    if (skipRemaining > 0) {
      int count = (int) Math.min(skipRemaining, end - index);
      index += count;
      skipRemaining -= count;
    }
    return skipRemaining == 0;
  }

  /**
   * Starts capturing at most {@code cap} bytes of a {@code declared}-byte string. The excess is skipped when
   * {@code skipExcess}, otherwise left to whoever reads the stream next.
   */
  final void startText(long declared, int cap, boolean skipExcess) {
    text = new byte[(int) Math.min(declared, cap)];
    textFilled = 0;
    textDeclared = declared;
    skipRemaining = skipExcess ? declared - text.length : 0;
  }

  /** True when the string started by {@link #startText} has been captured and the excess skipped. */
  final boolean textRead() {
    if (textFilled < text.length && index < end) {
      int count = Math.min(text.length - textFilled, end - index);
      buf.getBytes(index, text, textFilled, count);
      index += count;
      textFilled += count;
    }
    return textFilled == text.length && skipped();
  }

  /** Returns the captured string bytes and forgets them. */
  final byte[] takeText() {
    byte[] captured = text;
    text = null;
    return captured;
  }

  final long declaredTextLength() {
    return textDeclared;
  }

  /** Starts a length-prefixed blob to skip: U8, U16 or U32 big-endian prefix ({@code width} 1, 2, 4) or U32 LE (-4). */
  final void startPrefixed(int width) {
    prefixWidth = width;
    prefixRead = false;
  }

  /** Reads the prefix, then skips that many bytes; true when done. A prefix above {@code max} makes it blind. */
  final boolean prefixedSkipped(long max) {
    if (!prefixRead) {
      int width = Math.abs(prefixWidth);
      if (!field(width)) {
        return false;
      }
      ByteView field = scratch.view();
      long length = width == 1 ? field.getUnsignedByte(0) : width == 2 ? field.getUnsignedShort(0)
          : prefixWidth < 0 ? field.getUnsignedIntLE(0) : field.getUnsignedInt(0);
      scratch.clear();
      if (length > max) {
        implausible(length);
        return false;
      }
      prefixRead = true;
      startSkip(length);
    }
    return skipped();
  }

  /**
   * The causal check before a step that answers the other side: true when bytes are here and the other side has
   * already sent what they answer ({@code peerReady}); false when more bytes are needed, or (blind, see
   * {@link #unexpected}) when these bytes came too early.
   */
  final boolean awaited(boolean peerReady, String what) {
    if (!hasInput()) {
      return false;
    }
    if (!peerReady) {
      unexpected(what);
      return false;
    }
    return true;
  }

  /**
   * Reads the 12-byte ProtocolVersion field collected by {@code field(12)}; a malformed one makes this direction
   * blind ({@code BAD_VERSION} at the field's first byte) and gives {@code null}.
   */
  final RfbVersion versionField(String what) {
    RfbVersion version = parseVersion(fieldBytes());
    consumeField();
    if (version == null) {
      conn.goBlind(direction, BlindReason.BAD_VERSION, offset() - 12, what, null);
    }
    return version;
  }

  /** Stops interpreting at {@code at}, a stream offset of this direction; {@code detail} never holds payload. */
  final void goBlind(BlindReason reason, long at, String detail) {
    conn.goBlind(direction, reason, at, detail, null);
  }

  /** Bytes arrived that this side cannot have sent yet, or after the handshake allows none. */
  final void unexpected(String what) {
    conn.goBlind(direction, BlindReason.UNEXPECTED_DATA, offset(), what, null);
  }

  final void implausible(long length) {
    conn.goBlind(direction, BlindReason.IMPLAUSIBLE_LENGTH, offset(), "length " + length, null);
  }

  /**
   * Checks a ProtocolVersion field ({@code "RFB xxx.yyy\n"}, docs/protocol.md#protocolversion).
   *
   * @return the version, or {@code null} if the 12 bytes do not have that shape
   */
  static RfbVersion parseVersion(ByteView field) {
    if (field.getByte(0) != 'R' || field.getByte(1) != 'F' || field.getByte(2) != 'B' || field.getByte(3) != ' '
        || field.getByte(7) != '.' || field.getByte(11) != '\n') {
      return null;
    }
    int major = digits(field, 4);
    int minor = digits(field, 8);
    return major < 0 || minor < 0 ? null : new RfbVersion(major, minor);
  }

  private static int digits(ByteView field, int at) {
    int value = 0;
    for (int i = at; i < at + 3; i++) {
      int c = field.getByte(i) - '0';
      if (c < 0 || c > 9) {
        return -1;
      }
      value = value * 10 + c;
    }
    return value;
  }
}
