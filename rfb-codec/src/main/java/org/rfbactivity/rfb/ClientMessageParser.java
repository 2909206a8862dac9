package org.rfbactivity.rfb;

/**
 * Frames every client→server message after ClientInit (docs/protocol.md#framing) using {@link ClientMessageType},
 * classifies input (docs/protocol.md#input-and-noise) and reports it. This is the hot path: a header whose first 8
 * bytes lie in the buffer is read in place with one absolute {@code getLong} and decoded by shifts; only a header split
 * across buffers (or in a buffer's last 7 bytes) is copied, into the {@link HeaderScratch}; bodies (clipboard text,
 * encodings lists, fences, gii, screens) are skipped by a {@code long} counter. Nothing is allocated per message.
 *
 * <p>The parser walks "units": a message header, then, inside SetEncodings, each 4-byte encoding, inside a
 * gii event injection, each 2-byte event header, and inside KasmVNC's BinaryClipboard and UnixRelay, their length
 * fields. Bodies in between are skipped.
 */
final class ClientMessageParser {

  /**
   * ExtendedMouseButtons pseudo-encoding: 7-byte PointerEvents when mask bit 7 is set
   * (docs/protocol.md#extendedmousebuttons).
   */
  static final int EXTENDED_MOUSE_BUTTONS = -316;
  /** KasmVNC's pseudo-encoding range, whose dialect reframes messages (docs/protocol.md#kasmvnc-pseudo-encodings). */
  static final int KASM_FIRST = -2048;
  static final int KASM_LAST = -770;
  /** QEMU Pointer Motion Change: PointerEvents may carry relative motion (docs/protocol.md#relative-pointer-motion). */
  static final int QEMU_POINTER_MOTION_CHANGE = -257;
  /** The relative coordinate that means "no motion" on that axis (docs/protocol.md#relative-pointer-motion). */
  static final int RELATIVE_ORIGIN = 0x7FFF;
  /**
   * The longest UnixRelay name KasmVNC's server reads a length after; it skips longer names alone
   * (docs/protocol.md#kasmvnc-client-messages).
   */
  static final int KASM_MAX_RELAY_NAME = 63;
  /** Buttons 4–7 are wheel up/down/left/right (docs/protocol.md#button-mask). */
  static final int WHEEL_BUTTONS = 0x78;
  /** KasmVNC treats keysym 1 as a keep-alive (docs/protocol.md#keyevent). */
  static final int KEEP_ALIVE_KEYSYM = 1;
  /** UltraVNC's TEXTMAXSIZE; libvncserver closes at 4096, UltraVNC desyncs above (docs/protocol.md#textchat). */
  static final long MAX_TEXT_CHAT = 4096;
  private static final long TEXT_CHAT_CONTROL = 0xFFFFFFFDL;

  // Which length field comes next inside a KasmVNC message (docs/protocol.md#kasmvnc-client-messages)
  private static final int KASM_NONE = 0;
  private static final int KASM_MIME_LENGTH = 1;
  private static final int KASM_CLIPBOARD_LENGTH = 2;
  private static final int KASM_RELAY_LENGTH = 3;

  /** {@link #unit} results besides a body length. */
  private static final long BLIND = -1;
  private static final long NEED_MORE = -2;

  private final ConnectionState conn;
  private final RfbListener listener;
  private final RfbCounters counters;
  private final boolean revealKeysyms;
  private final HeaderScratch scratch;

  /** Stream offset minus buffer index for the current buffer: a unit at index {@code i} starts at {@code base + i}. */
  private long base;
  private long unitOffset;
  private long skipRemaining;
  /** Set by {@link #unit}: the header bytes it needs (NEED_MORE) or consumed (otherwise). */
  private int headerLength;

  // SetEncodings in progress: records left, and what the list being read enables
  private int encodingsLeft;
  private boolean listingExtendedMouse;
  private boolean listingKasm;
  private boolean listingRelative;
  /** From the latest complete SetEncodings (each one replaces the set, docs/protocol.md#setencodings). */
  private boolean extendedMouseButtons;
  private boolean relativePointer;
  /**
   * Set by the first SetEncodings that lists a KasmVNC pseudo-encoding and never cleared: the dialect is the
   * server's, whatever the client lists later (docs/protocol.md#kasmvnc-dialect).
   */
  private boolean kasm;

  // Inside a KasmVNC BinaryClipboard or UnixRelay: the next length field, entries left, data bytes so far
  private int kasmUnit;
  private int clipboardEntriesLeft;
  private long clipboardLength;

  // The message being framed, for the boundaries (docs/protocol.md#message-boundaries)
  private final ClientMessageBoundaries boundaries;
  private long messageStart;
  private int messageType;
  /** The {@link InputClass} bits it needs; a gii injection adds its events' as they are read. */
  private int messageClasses;

  /** Bytes of a gii event injection still to read as events (docs/protocol.md#gii). */
  private int giiLeft;

  // The previous PointerEvent, to tell moves, button changes and repeats apart
  private boolean pointerSeen;
  private int lastButtons;
  private int lastX;
  private int lastY;

  ClientMessageParser(ConnectionState conn, HeaderScratch scratch) {
    this.conn = conn;
    this.listener = conn.listener;
    this.counters = conn.counters;
    this.revealKeysyms = conn.revealKeysyms;
    this.scratch = scratch;
    this.boundaries = conn.boundaries;
  }

  /** Parses {@code buf[from, to)}, whose first byte is at {@code streamOffset} of the client stream. */
  void parse(ByteView buf, int from, int to, long streamOffset) {
    base = streamOffset - from;
    int i = from;
    // Blindness is re-checked per unit: a listener callback may have made the connection blind (RfbInspector).
    while (i < to && !conn.isBlind()) {
      if (skipRemaining != 0) {
        int count = (int) Math.min(skipRemaining, to - i);
        i += count;
        skipRemaining -= count;
        continue;
      }
      long body;
      if (scratch.length() == 0) {
        unitOffset = base + i;
        if (to - i >= 8) {
          // Fast path: the unit's first 8 bytes are in this buffer; one read, fields decoded by shifts.
          body = unit(buf.getLong(i), buf, i, to - i);
          if (body >= 0) {
            if ((encodingsLeft | giiLeft | kasmUnit) == 0) {
              boundaries.message(messageType, messageClasses, messageStart, unitOffset + headerLength + body);
            }
            i += headerLength;
            int rest = to - i;
            if (body <= rest) {
              i += (int) body;
            } else {
              skipRemaining = body - rest;
              i = to;
            }
            continue;
          }
          if (body == BLIND) {
            return;
          }
          // NEED_MORE: the header goes on in the next buffer.
        }
      }
      // A header split across buffers, or in the last bytes of one: collect it in the scratch, re-evaluating
      // its length as bytes arrive (PointerEvent mask, QEMU sub-type).
      ByteView collected = scratch.view();
      for (;;) {
        int have = scratch.length();
        if (have > 0) {
          body = unit(collected.getLong(0), collected, 0, have);
          if (body != NEED_MORE) {
            break;
          }
        }
        if (i == to) {
          return;
        }
        i += scratch.fill(buf, i, to, have == 0 ? 1 : headerLength);
      }
      scratch.clear();
      if (body == BLIND) {
        return;
      }
      if ((encodingsLeft | giiLeft | kasmUnit) == 0) {
        boundaries.message(messageType, messageClasses, messageStart, unitOffset + headerLength + body);
      }
      skipRemaining = body;
    }
  }

  /** Byte {@code n} (0..7) of a big-endian header word. */
  private static int byteAt(long word, int n) {
    return (int) (word >>> (56 - 8 * n)) & 0xFF;
  }

  /** Big-endian U16 at bytes {@code n, n+1} of a header word. */
  private static int u16At(long word, int n) {
    return (int) (word >>> (48 - 8 * n)) & 0xFFFF;
  }

  private long needMore(int length) {
    headerLength = length;
    return NEED_MORE;
  }

  /**
   * Frames one unit from its first {@code have} bytes: {@code word} holds the first 8 (big-endian; bytes at or
   * past {@code have} are stale and never looked at), {@code src[base]} the unit itself for the fields past
   * byte 7 (the ClientFence length, KasmVNC's scroll amounts). Returns {@link #NEED_MORE} with {@link #headerLength} set when the header is
   * longer than {@code have}; {@link #BLIND}; or, with {@link #headerLength} set to the header consumed, the body
   * bytes to skip after reporting and counting the unit.
   */
  private long unit(long word, ByteView src, int base, int have) {
    if ((encodingsLeft | giiLeft | kasmUnit) != 0) {
      return bodyUnit(word, have);
    }
    int code = byteAt(word, 0);
    ClientMessageType type = kasm ? ClientMessageType.forKasmCode(code) : ClientMessageType.forCode(code);
    if (type == null) {
      return unframeable(kasm && code >= ClientMessageType.KASM_FIRST_TYPE && code <= ClientMessageType.KASM_LAST_TYPE
          ? BlindReason.KASMVNC_DIALECT : BlindReason.UNKNOWN_MESSAGE_TYPE, code);
    }
    ClientMessageType.Framing framing = type.framing;
    int need = type.header;
    if (framing == ClientMessageType.Framing.POINTER) {
      if (have < 2) {
        return needMore(2);
      }
      need = extendedMouseButtons && (byteAt(word, 1) & 0x80) != 0 ? 7 : 6;
    } else if (framing == ClientMessageType.Framing.QEMU) {
      if (have < 2) {
        return needMore(2);
      }
      int sub = byteAt(word, 1);
      if (sub > 1) {
        return unframeable(BlindReason.UNFRAMEABLE_MESSAGE, code);
      }
      need = sub == 0 ? 12 : 4;
    } else if (framing == ClientMessageType.Framing.UNFRAMEABLE) {
      return unframeable(type.kasm ? BlindReason.KASMVNC_DIALECT : BlindReason.UNFRAMEABLE_MESSAGE, code);
    }
    if (have < need) {
      return needMore(need);
    }
    headerLength = need;
    counters.countMessage(code);
    messageStart = unitOffset;
    messageType = code;
    messageClasses = type.inputClasses;
    // The frequent messages are handled here, small enough for the JIT to inline into the loop.
    if (framing == ClientMessageType.Framing.POINTER) {
      pointerEvent(word);
      return 0;
    }
    if (framing == ClientMessageType.Framing.KEY) {
      keyEvent(byteAt(word, 1) != 0, (int) word, false);
      return 0;
    }
    if (framing == ClientMessageType.Framing.KASM_POINTER) {
      kasmPointer(word, src.getShort(base + 7), src.getShort(base + 9));
      return 0;
    }
    if (framing == ClientMessageType.Framing.FIXED) {
      return type.length - need;
    }
    return variableMessage(type, word, src, base);
  }

  /**
   * A 4-byte encoding inside SetEncodings, a length field inside a KasmVNC message, or a 2-byte event header inside
   * a gii injection.
   */
  private long bodyUnit(long word, int have) {
    if (encodingsLeft > 0) {
      if (have < 4) {
        return needMore(4);
      }
      headerLength = 4;
      return encoding((int) (word >>> 32));
    }
    if (kasmUnit != KASM_NONE) {
      return kasmLength(word, have);
    }
    if (giiLeft < 2) {
      return blind(BlindReason.IMPLAUSIBLE_LENGTH, "gii injection ends inside an event");
    }
    if (have < 2) {
      return needMore(2);
    }
    headerLength = 2;
    return giiEvent(byteAt(word, 0), byteAt(word, 1));
  }

  /** The messages with a length field or a sub-type, once their header is complete. */
  private long variableMessage(ClientMessageType type, long word, ByteView src, int base) {
    switch (type.framing) {
      case KEEP_ALIVE:
        input(InputKind.NOISE);
        return 0;
      case SET_ENCODINGS:
        listingExtendedMouse = false;
        listingKasm = false;
        listingRelative = false;
        encodingsLeft = u16At(word, 2);
        return encodingsLeft == 0 ? encodingsDone() : 0;
      case CUT_TEXT:
        int declared = (int) word;
        long textLength = declared >= 0 ? declared : -(long) declared;
        listener.clipboard(textLength, declared < 0);
        input(InputKind.CLIPBOARD);
        return textLength;
      case FENCE:
        return src.getUnsignedByte(base + 8);
      case DESKTOP_SIZE:
        int screens = byteAt(word, 6);
        listener.desktopResize(u16At(word, 2), u16At(word, 4), screens);
        input(InputKind.DESKTOP_RESIZE);
        return 16L * screens;
      case GII:
        return giiHeader(byteAt(word, 1), u16At(word, 2));
      case QEMU:
        return qemu(word);
      case KASM_CLIPBOARD:
        return binaryClipboard(byteAt(word, 1));
      case U8_LENGTH:
        return byteAt(word, 1);
      case U16_LENGTH:
        return u16At(word, 1);
      case KASM_UNIX_RELAY:
        int name = byteAt(word, 1);
        if (name > KASM_MAX_RELAY_NAME) {
          // the server would read the name only, the client wrote a length and data after it
          return blind(BlindReason.IMPLAUSIBLE_LENGTH, "KasmVNC unix relay name length " + name);
        }
        kasmUnit = KASM_RELAY_LENGTH;
        return name;
      case KASM_DIRECT_MOUSE:
        directMouse(word, src.getShort(base + 8));
        return 0;
      case TEXT_CHAT:
        long chat = word & 0xFFFFFFFFL;
        if (chat >= TEXT_CHAT_CONTROL) {
          return 0;
        }
        return chat > MAX_TEXT_CHAT ? blind(BlindReason.IMPLAUSIBLE_LENGTH, "TextChat length " + chat) : chat;
      default:
        throw new IllegalStateException("framing " + type.framing);
    }
  }

  private long unframeable(BlindReason reason, int code) {
    return blind(reason, "message type " + code);
  }

  private void input(InputKind kind) {
    counters.countInput(kind);
    listener.input(kind);
  }

  /** Goes blind at the start of the current unit. */
  private long blind(BlindReason reason, String detail) {
    conn.goBlind(Direction.CLIENT_TO_SERVER, reason, unitOffset, detail, null);
    return BLIND;
  }

  private void keyEvent(boolean down, int keysym, boolean qemu) {
    InputKind kind = !qemu && keysym == KEEP_ALIVE_KEYSYM ? InputKind.NOISE
        : down ? InputKind.KEY_PRESS : InputKind.KEY_RELEASE;
    listener.key(down, revealKeysyms ? keysym : RfbListener.REDACTED_KEYSYM);
    input(kind);
  }

  /**
   * A PointerEvent. Its position counts as moved when it differs from the previous one; with QEMU Pointer Motion
   * Change listed, the coordinates are motion, so it counts as moved unless both are the no-motion value, and an
   * event identical to the previous one is another move (docs/protocol.md#relative-pointer-motion).
   */
  private void pointerEvent(long word) {
    int mask = byteAt(word, 1);
    int x = u16At(word, 2);
    int y = u16At(word, 4);
    // 7-byte form: bit 7 is the marker, the extra byte holds buttons 8 and 9 (TigerVNC's 16-bit mask)
    int buttons = extendedMouseButtons && (mask & 0x80) != 0 ? (byteAt(word, 6) << 7) | (mask & 0x7F) : mask;
    boolean moved = relativePointer ? x != RELATIVE_ORIGIN || y != RELATIVE_ORIGIN
        : !pointerSeen || x != lastX || y != lastY;
    absolutePointer(buttons, x, y, moved, false);
  }

  /** KasmVNC's PointerEvent: U16 mask at 1, U16 x at 3, U16 y at 5, S16 scroll x and y at 7 and 9. */
  private void kasmPointer(long word, int scrollX, int scrollY) {
    int x = u16At(word, 3);
    int y = u16At(word, 5);
    absolutePointer(u16At(word, 1), x, y, !pointerSeen || x != lastX || y != lastY, (scrollX | scrollY) != 0);
  }

  private void absolutePointer(int buttons, int x, int y, boolean moved, boolean scrolled) {
    messageClasses = pointerClass(buttons, scrolled);
    InputKind kind = classifyPointer(buttons, moved, scrolled);
    pointerSeen = true;
    lastX = x;
    lastY = y;
    listener.pointer(kind, buttons, x, y);
    input(kind);
  }

  /**
   * KasmVNC's DirectMouseEvent, relative motion: U8 buttons at 1, S16 dx at 2, dy at 4, scroll x at 6, scroll y at
   * 8. The listener gets the signed deltas as coordinates; the last absolute position is kept.
   */
  private void directMouse(long word, int scrollY) {
    int dx = (short) u16At(word, 2);
    int dy = (short) u16At(word, 4);
    int scrollX = (short) u16At(word, 6);
    int buttons = byteAt(word, 1);
    messageClasses = pointerClass(buttons, (scrollX | scrollY) != 0);
    InputKind kind = classifyPointer(buttons, (dx | dy) != 0, (scrollX | scrollY) != 0);
    listener.pointer(kind, buttons, dx, dy);
    input(kind);
  }

  /**
   * The permission a pointer message needs: buttons when a button is held, changes (a release included) or a scroll
   * amount is sent, else motion; a message is forwarded or dropped whole, so a press that moves needs buttons only
   * (docs/protocol.md#input-classes). Read before {@link #classifyPointer} records the buttons.
   */
  private int pointerClass(int buttons, boolean scrolled) {
    return buttons != 0 || buttons != lastButtons || scrolled ? InputClass.POINTER_BUTTONS.bit()
        : InputClass.POINTER_MOTION.bit();
  }

  /**
   * A non-wheel button changed → BUTTON; a wheel button went down or a scroll amount was sent → WHEEL; moved →
   * MOVE; otherwise (nothing changed, or a wheel button released in place, the second half of a notch) → NOISE,
   * so one notch counts once (docs/protocol.md#wheel-notches). Records the buttons for the next event.
   */
  private InputKind classifyPointer(int buttons, boolean moved, boolean scrolled) {
    int changed = buttons ^ lastButtons;
    InputKind kind;
    if ((changed & ~WHEEL_BUTTONS) != 0) {
      kind = InputKind.POINTER_BUTTON;
    } else if (scrolled || (buttons & ~lastButtons & WHEEL_BUTTONS) != 0) {
      kind = InputKind.POINTER_WHEEL;
    } else if (moved) {
      kind = InputKind.POINTER_MOVE;
    } else {
      kind = InputKind.NOISE;
    }
    lastButtons = buttons;
    return kind;
  }

  /**
   * BinaryClipboard header: the entry count; an empty one is reported at once
   * (docs/protocol.md#kasmvnc-client-messages).
   */
  private long binaryClipboard(int entries) {
    if (entries == 0) {
      clipboardDone(0);
      return 0;
    }
    clipboardEntriesLeft = entries;
    clipboardLength = 0;
    kasmUnit = KASM_MIME_LENGTH;
    return 0;
  }

  /** A length field inside BinaryClipboard (U8 mime length, U32 data length) or UnixRelay (U32 data length). */
  private long kasmLength(long word, int have) {
    if (kasmUnit == KASM_MIME_LENGTH) {
      headerLength = 1;
      kasmUnit = KASM_CLIPBOARD_LENGTH;
      return byteAt(word, 0);
    }
    if (have < 4) {
      return needMore(4);
    }
    headerLength = 4;
    long length = word >>> 32;
    if (kasmUnit == KASM_RELAY_LENGTH) {
      kasmUnit = KASM_NONE;
      return length;
    }
    clipboardLength += length;
    if (--clipboardEntriesLeft == 0) {
      kasmUnit = KASM_NONE;
      clipboardDone(clipboardLength);
    } else {
      kasmUnit = KASM_MIME_LENGTH;
    }
    return length;
  }

  /** Reported once per BinaryClipboard, with the data bytes of all its entries (mime types not counted). */
  private void clipboardDone(long length) {
    listener.clipboard(length, false);
    input(InputKind.CLIPBOARD);
  }

  private long encoding(int encoding) {
    if (encoding == EXTENDED_MOUSE_BUTTONS) {
      listingExtendedMouse = true;
    } else if (encoding == QEMU_POINTER_MOTION_CHANGE) {
      listingRelative = true;
    } else if (encoding >= KASM_FIRST && encoding <= KASM_LAST) {
      listingKasm = true;
    }
    return --encodingsLeft == 0 ? encodingsDone() : 0;
  }

  /**
   * The list is complete: it replaces the previous set (as TigerVNC clears it first), except that KasmVNC's dialect,
   * once announced, stays (docs/protocol.md#kasmvnc-dialect).
   */
  private long encodingsDone() {
    extendedMouseButtons = listingExtendedMouse;
    relativePointer = listingRelative;
    kasm |= listingKasm;
    return 0;
  }

  /** gii: bit 7 of byte 1 = big-endian, low 7 bits = sub-type, EU16 length at 2 (docs/protocol.md#gii). */
  private long giiHeader(int flags, int bigEndianLength) {
    int length = (flags & 0x80) != 0 ? bigEndianLength
        : ((bigEndianLength & 0xFF) << 8) | (bigEndianLength >>> 8);
    if ((flags & 0x7F) == 0) {
      giiLeft = length;
      return 0;
    }
    return length;
  }

  /**
   * One injected gii event: U8 size (whole event), U8 type. Key 5 press / 6 release / 7 repeat, pointer 8
   * relative / 9 absolute, button 10 press / 11 release, valuator 12 relative / 13 absolute.
   */
  private long giiEvent(int size, int eventType) {
    if (size < 2 || size > giiLeft) {
      return blind(BlindReason.IMPLAUSIBLE_LENGTH, "gii event size " + size);
    }
    giiLeft -= size;
    switch (eventType) {
      case 5:
      case 7:
        messageClasses |= InputClass.KEYS.bit();
        input(InputKind.KEY_PRESS);
        break;
      case 6:
        messageClasses |= InputClass.KEYS.bit();
        input(InputKind.KEY_RELEASE);
        break;
      case 8:
      case 9:
      case 12:
      case 13:
        messageClasses |= InputClass.POINTER_MOTION.bit();
        input(InputKind.POINTER_MOVE);
        break;
      case 10:
      case 11:
        messageClasses |= InputClass.POINTER_BUTTONS.bit();
        input(InputKind.POINTER_BUTTON);
        break;
      default:
        // Not a user event (gii defines nothing else for injection); skipped unclassified.
        break;
    }
    return size - 2;
  }

  /**
   * QEMU: 0 ExtendedKeyEvent (U16 down, U32 keysym, U32 keycode); 1 Audio (U16 operation)
   * (docs/protocol.md#qemu-client-message).
   */
  private long qemu(long word) {
    if (byteAt(word, 1) == 0) {
      messageClasses = InputClass.KEYS.bit();
      keyEvent(u16At(word, 2) != 0, (int) word, true);
      return 0;
    }
    int operation = u16At(word, 2);
    if (operation == 0 || operation == 1) {
      return 0;
    }
    if (operation == 2) {
      return 6; // U8 format, U8 channels, U32 frequency
    }
    return blind(BlindReason.UNFRAMEABLE_MESSAGE, "QEMU audio operation " + operation);
  }
}
