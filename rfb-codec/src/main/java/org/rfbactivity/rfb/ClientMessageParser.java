package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;

/**
 * Frames every client→server message after ClientInit (RFB.md §3) using {@link ClientMessageType}, classifies
 * input (DESIGN.md §3, RFB.md §3.4, §4) and reports it. This is the hot path: a header that lies in one buffer is
 * read in place with absolute getters; only a header split across buffers is copied, into the
 * {@link HeaderScratch}; bodies (clipboard text, encodings lists, fences, gii, screens) are skipped by a
 * {@code long} counter. Nothing is allocated per message.
 *
 * <p>The parser walks "units": a message header, then, inside SetEncodings, each 4-byte encoding, and inside a
 * gii event injection, each 2-byte event header. Bodies in between are skipped.
 */
final class ClientMessageParser {

  /** ExtendedMouseButtons pseudo-encoding: 7-byte PointerEvents when mask bit 7 is set (RFB.md §3.3, §3.4). */
  static final int EXTENDED_MOUSE_BUTTONS = -316;
  /** KasmVNC's pseudo-encoding range, whose dialect reframes messages (RFB.md §3.3, §3.5). */
  static final int KASM_FIRST = -2048;
  static final int KASM_LAST = -770;
  /** Buttons 4–7 are wheel up/down/left/right (RFB.md §3.4). */
  static final int WHEEL_BUTTONS = 0x78;
  /** KasmVNC treats keysym 1 as a keep-alive (RFB.md §3.1 KeyEvent, §4.1). */
  static final int KEEP_ALIVE_KEYSYM = 1;
  /** UltraVNC's TEXTMAXSIZE; libvncserver closes at 4096, UltraVNC desyncs above (RFB.md §3.2). */
  static final long MAX_TEXT_CHAT = 4096;
  private static final long TEXT_CHAT_CONTROL = 0xFFFFFFFDL;

  private static final int UNKNOWN_TYPE = -1;
  private static final int UNFRAMEABLE = -2;
  private static final int BAD_GII_EVENT = -3;
  private static final long BLIND = -1;

  private final ConnectionState conn;
  private final RfbListener listener;
  private final RfbCounters counters;
  private final boolean revealKeysyms;
  private final HeaderScratch scratch;

  private int chunkIndex;
  private long chunkOffset;
  private long unitOffset;
  private long skipRemaining;

  // SetEncodings in progress: records left, and what the list being read enables
  private int encodingsLeft;
  private boolean listingExtendedMouse;
  private boolean listingKasm;
  /** From the latest complete SetEncodings (each one replaces the set, RFB.md §3.3). */
  private boolean extendedMouseButtons;

  /** Bytes of a gii event injection still to read as events (RFB.md §3.1 gii). */
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
  }

  /** Parses {@code buf[from, to)}, whose first byte is at {@code streamOffset} of the client stream. */
  void parse(ByteBuf buf, int from, int to, long streamOffset) {
    chunkIndex = from;
    chunkOffset = streamOffset;
    int i = from;
    while (i < to) {
      if (skipRemaining != 0) {
        int count = (int) Math.min(skipRemaining, to - i);
        i += count;
        skipRemaining -= count;
        continue;
      }
      if (scratch.length() == 0) {
        // A unit starts here; read it in place when its header is in this buffer.
        int available = to - i;
        unitOffset = chunkOffset + (i - chunkIndex);
        int need = required(buf, i, available);
        if (need < 0) {
          unframeable(buf.getUnsignedByte(i), need);
          return;
        }
        if (need > available) {
          i += scratch.fill(buf, i, to, available);
          continue;
        }
        long body = complete(buf, i);
        if (body == BLIND) {
          return;
        }
        i += need;
        if (body != 0) {
          int rest = to - i;
          if (body <= rest) {
            i += (int) body;
          } else {
            skipRemaining = body - rest;
            i = to;
          }
        }
      } else {
        // A header split across buffers: collect it, re-evaluating how long it is as bytes arrive.
        for (;;) {
          int need = required(scratch.view(), 0, scratch.length());
          if (need < 0) {
            unframeable(scratch.view().getUnsignedByte(0), need);
            return;
          }
          if (scratch.length() >= need) {
            break;
          }
          if (i == to) {
            return;
          }
          i += scratch.fill(buf, i, to, need);
        }
        long body = complete(scratch.view(), 0);
        scratch.clear();
        if (body == BLIND) {
          return;
        }
        skipRemaining = body;
      }
    }
  }

  /**
   * Header bytes the unit at {@code src[base]} needs, given that {@code have} (at least 1) are present; grows as
   * more is known (PointerEvent mask, QEMU sub-type). Negative: the unit cannot be framed.
   */
  private int required(ByteBuf src, int base, int have) {
    if (encodingsLeft > 0) {
      return 4;
    }
    if (giiLeft > 0) {
      return giiLeft >= 2 ? 2 : BAD_GII_EVENT;
    }
    ClientMessageType type = ClientMessageType.forCode(src.getUnsignedByte(base));
    if (type == null) {
      return UNKNOWN_TYPE;
    }
    switch (type.framing) {
      case POINTER:
        if (have < 2) {
          return 2;
        }
        return extendedMouseButtons && (src.getByte(base + 1) & 0x80) != 0 ? 7 : 6;
      case QEMU:
        if (have < 2) {
          return 2;
        }
        int sub = src.getUnsignedByte(base + 1);
        return sub == 0 ? 12 : sub == 1 ? 4 : UNFRAMEABLE;
      case UNFRAMEABLE:
        return UNFRAMEABLE;
      default:
        return type.header;
    }
  }

  /**
   * Handles a complete unit header at {@code src[base]}: reports, counts, and returns the body bytes to skip, or
   * {@link #BLIND} when the connection went blind.
   */
  private long complete(ByteBuf src, int base) {
    if (encodingsLeft > 0) {
      return encoding(src.getInt(base));
    }
    if (giiLeft > 0) {
      return giiEvent(src.getUnsignedByte(base), src.getUnsignedByte(base + 1));
    }
    int code = src.getUnsignedByte(base);
    ClientMessageType type = ClientMessageType.forCode(code);
    counters.countMessage(code);
    switch (type.framing) {
      case KEY:
        keyEvent(src.getByte(base + 1) != 0, src.getInt(base + 4), false);
        return 0;
      case POINTER:
        pointerEvent(src, base);
        return 0;
      case KEEP_ALIVE:
        conn.input(InputKind.NOISE);
        return 0;
      case FIXED:
        return type.length - type.header;
      case SET_ENCODINGS:
        listingExtendedMouse = false;
        listingKasm = false;
        encodingsLeft = src.getUnsignedShort(base + 2);
        return encodingsLeft == 0 ? encodingsDone(unitOffset + 4) : 0;
      case CUT_TEXT:
        int declared = src.getInt(base + 4);
        long textLength = declared >= 0 ? declared : -(long) declared;
        listener.clipboard(textLength, declared < 0);
        conn.input(InputKind.CLIPBOARD);
        return textLength;
      case FENCE:
        return src.getUnsignedByte(base + 8);
      case DESKTOP_SIZE:
        int screens = src.getUnsignedByte(base + 6);
        listener.desktopResize(src.getUnsignedShort(base + 2), src.getUnsignedShort(base + 4), screens);
        conn.input(InputKind.DESKTOP_RESIZE);
        return 16L * screens;
      case GII:
        return giiHeader(src, base);
      case QEMU:
        return qemu(src, base);
      case TEXT_CHAT:
        long chat = src.getUnsignedInt(base + 4);
        if (chat >= TEXT_CHAT_CONTROL) {
          return 0;
        }
        if (chat > MAX_TEXT_CHAT) {
          conn.goBlind(Direction.CLIENT_TO_SERVER, BlindReason.IMPLAUSIBLE_LENGTH, unitOffset,
              "TextChat length " + chat, null);
          return BLIND;
        }
        return chat;
      default:
        throw new IllegalStateException("framing " + type.framing);
    }
  }

  private void keyEvent(boolean down, int keysym, boolean qemu) {
    InputKind kind = !qemu && keysym == KEEP_ALIVE_KEYSYM ? InputKind.NOISE
        : down ? InputKind.KEY_PRESS : InputKind.KEY_RELEASE;
    listener.key(down, revealKeysyms ? keysym : RfbListener.REDACTED_KEYSYM);
    conn.input(kind);
  }

  /**
   * RFB.md §3.4 and DESIGN.md §3: identical to the previous event → NOISE; a non-wheel button changed → BUTTON;
   * a wheel button went down → WHEEL; the position changed → MOVE; otherwise (a wheel button released in place,
   * the second half of a notch) → NOISE, so one notch counts once.
   */
  private void pointerEvent(ByteBuf src, int base) {
    int mask = src.getUnsignedByte(base + 1);
    int x = src.getUnsignedShort(base + 2);
    int y = src.getUnsignedShort(base + 4);
    // 7-byte form: bit 7 is the marker, the extra byte holds buttons 8 and 9 (TigerVNC's 16-bit mask)
    int buttons = extendedMouseButtons && (mask & 0x80) != 0 ? (src.getUnsignedByte(base + 6) << 7) | (mask & 0x7F)
        : mask;
    InputKind kind;
    boolean moved = !pointerSeen || x != lastX || y != lastY;
    int changed = buttons ^ lastButtons;
    if (!moved && changed == 0) {
      kind = InputKind.NOISE;
    } else if ((changed & ~WHEEL_BUTTONS) != 0) {
      kind = InputKind.POINTER_BUTTON;
    } else if ((buttons & ~lastButtons & WHEEL_BUTTONS) != 0) {
      kind = InputKind.POINTER_WHEEL;
    } else if (moved) {
      kind = InputKind.POINTER_MOVE;
    } else {
      kind = InputKind.NOISE;
    }
    pointerSeen = true;
    lastButtons = buttons;
    lastX = x;
    lastY = y;
    listener.pointer(kind, buttons, x, y);
    conn.input(kind);
  }

  private long encoding(int encoding) {
    if (encoding == EXTENDED_MOUSE_BUTTONS) {
      listingExtendedMouse = true;
    } else if (encoding >= KASM_FIRST && encoding <= KASM_LAST) {
      listingKasm = true;
    }
    return --encodingsLeft == 0 ? encodingsDone(unitOffset + 4) : 0;
  }

  /** The list is complete: it replaces the previous set (T:CP setEncodings clears first, RFB.md §3.3). */
  private long encodingsDone(long endOffset) {
    extendedMouseButtons = listingExtendedMouse;
    if (listingKasm) {
      conn.goBlind(Direction.CLIENT_TO_SERVER, BlindReason.KASMVNC_DIALECT, endOffset, "", null);
      return BLIND;
    }
    return 0;
  }

  /** RFB.md §3.1 gii: bit 7 of byte 1 = big-endian, low 7 bits = sub-type, EU16 length at 2. */
  private long giiHeader(ByteBuf src, int base) {
    int flags = src.getUnsignedByte(base + 1);
    int length = (flags & 0x80) != 0 ? src.getUnsignedShort(base + 2) : src.getUnsignedShortLE(base + 2);
    if ((flags & 0x7F) == 0) {
      giiLeft = length;
      return 0;
    }
    return length;
  }

  /**
   * One injected gii event: U8 size (whole event), U8 type. Key 5 press / 6 release / 7 repeat, pointer 8
   * relative / 9 absolute, button 10 press / 11 release, valuator 12 relative / 13 absolute (RFB.md §3.1).
   */
  private long giiEvent(int size, int eventType) {
    if (size < 2 || size > giiLeft) {
      conn.goBlind(Direction.CLIENT_TO_SERVER, BlindReason.IMPLAUSIBLE_LENGTH, unitOffset, "gii event size " + size,
          null);
      return BLIND;
    }
    giiLeft -= size;
    switch (eventType) {
      case 5:
      case 7:
        conn.input(InputKind.KEY_PRESS);
        break;
      case 6:
        conn.input(InputKind.KEY_RELEASE);
        break;
      case 8:
      case 9:
      case 12:
      case 13:
        conn.input(InputKind.POINTER_MOVE);
        break;
      case 10:
      case 11:
        conn.input(InputKind.POINTER_BUTTON);
        break;
      default:
        // Not a user event (gii defines nothing else for injection); skipped unclassified.
        break;
    }
    return size - 2;
  }

  /** RFB.md §3.1 QEMU: 0 ExtendedKeyEvent (U16 down, U32 keysym, U32 keycode); 1 Audio (U16 operation). */
  private long qemu(ByteBuf src, int base) {
    if (src.getUnsignedByte(base + 1) == 0) {
      keyEvent(src.getUnsignedShort(base + 2) != 0, src.getInt(base + 4), true);
      return 0;
    }
    int operation = src.getUnsignedShort(base + 2);
    if (operation == 0 || operation == 1) {
      return 0;
    }
    if (operation == 2) {
      return 6; // U8 format, U8 channels, U32 frequency
    }
    conn.goBlind(Direction.CLIENT_TO_SERVER, BlindReason.UNFRAMEABLE_MESSAGE, unitOffset,
        "QEMU audio operation " + operation, null);
    return BLIND;
  }

  private void unframeable(int code, int why) {
    if (why == BAD_GII_EVENT) {
      conn.goBlind(Direction.CLIENT_TO_SERVER, BlindReason.IMPLAUSIBLE_LENGTH, unitOffset,
          "gii injection ends inside an event", null);
    } else if (why == UNKNOWN_TYPE) {
      conn.goBlind(Direction.CLIENT_TO_SERVER, BlindReason.UNKNOWN_MESSAGE_TYPE, unitOffset,
          "message type " + code, null);
    } else {
      conn.goBlind(Direction.CLIENT_TO_SERVER, BlindReason.UNFRAMEABLE_MESSAGE, unitOffset, "message type " + code,
          null);
    }
  }
}
