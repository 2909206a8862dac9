package org.rfbactivity.rfb;

/**
 * The framing table for client→server messages after ClientInit: the one source of truth for lengths, so
 * a message size is written here and nowhere else. Every message starts with a U8 type and has no generic length
 * field; its length is implied by the type (docs/protocol.md#framing).
 *
 * <p>{@link #header} is how many bytes must be seen before the body length is known and the message can be
 * classified; {@link #length} is the total for fixed-size messages. Types absent from the table are unknown
 * ({@link BlindReason#UNKNOWN_MESSAGE_TYPE}); types marked {@link Framing#UNFRAMEABLE} are known but cannot be
 * framed generically (docs/protocol.md#framing).
 *
 * <p>Entries marked {@link #kasm} belong to KasmVNC's dialect (docs/protocol.md#kasmvnc-client-messages): they are
 * looked up with {@link #forKasmCode} once the client has announced the dialect, and override the standard entry of
 * the same code there (5, 252); every other code keeps its standard framing.
 */
enum ClientMessageType {
  /** 0 SetPixelFormat: 20 = type + 3 pad + 16-byte PIXEL_FORMAT (docs/protocol.md#setpixelformat). */
  SET_PIXEL_FORMAT(0, Framing.FIXED, 1, 20),
  /** 1 FixColourMapEntries (historic): libvncserver reads 6 bytes and closes (docs/protocol.md#fixcolourmapentries). */
  FIX_COLOUR_MAP_ENTRIES(1, Framing.UNFRAMEABLE, 0, 0),
  /** 2 SetEncodings: 4 (type, pad, U16 count) + 4 × count; replaces the set (docs/protocol.md#setencodings). */
  SET_ENCODINGS(2, Framing.SET_ENCODINGS, 4, 0),
  /** 3 FramebufferUpdateRequest: 10 (U8 incremental, U16 x, y, w, h). */
  FRAMEBUFFER_UPDATE_REQUEST(3, Framing.FIXED, 1, 10),
  /** 4 KeyEvent: 8 (U8 down, 2 pad, U32 keysym). */
  KEY_EVENT(4, Framing.KEY, 8, 8),
  /**
   * 5 PointerEvent: 6 (U8 mask, U16 x, U16 y); 7 when −316 is in the latest SetEncodings and mask bit 7 is set
   * (docs/protocol.md#pointerevent).
   */
  POINTER_EVENT(5, Framing.POINTER, 6, 6),
  /**
   * 6 ClientCutText: 8 (3 pad, S32 length) + |length|; negative = Extended Clipboard (docs/protocol.md#clientcuttext).
   */
  CLIENT_CUT_TEXT(6, Framing.CUT_TEXT, 8, 0),
  /**
   * 7 UltraVNC FileTransfer: payload depends on contentType, length unreliable
   * (docs/protocol.md#ultravnc-filetransfer).
   */
  ULTRA_FILE_TRANSFER(7, Framing.UNFRAMEABLE, 0, 0),
  /** 8 UltraVNC SetScale: 4 (U8 scale, U16 pad). */
  ULTRA_SET_SCALE(8, Framing.FIXED, 1, 4),
  /** 9 UltraVNC SetServerInput: 4 (U8 status, 2 pad). */
  ULTRA_SET_SERVER_INPUT(9, Framing.FIXED, 1, 4),
  /** 10 UltraVNC SetSW (single window): 6 (U8 status, U16 x, U16 y). */
  ULTRA_SET_SINGLE_WINDOW(10, Framing.FIXED, 1, 6),
  /**
   * 11 UltraVNC TextChat: 8 (pad, U16 pad, U32 length) + length, except the 0xFFFFFFFD–F control codes
   * (docs/protocol.md#textchat).
   */
  ULTRA_TEXT_CHAT(11, Framing.TEXT_CHAT, 8, 0),
  /** 13 UltraVNC KeepAlive: 1 (sz_rfbKeepAliveMsg). */
  ULTRA_KEEP_ALIVE(13, Framing.KEEP_ALIVE, 1, 1),
  /** 15 PalmVNC SetScaleFactor: 4. */
  PALM_SET_SCALE_FACTOR(15, Framing.FIXED, 1, 4),
  /**
   * 0x50 UltraVNC NotifyPluginStreaming: the stream after it is transformed (docs/protocol.md#notifypluginstreaming).
   */
  ULTRA_NOTIFY_PLUGIN_STREAMING(0x50, Framing.UNFRAMEABLE, 0, 0),
  /** 150 EnableContinuousUpdates: 10 (U8 enable, U16 x, y, w, h). */
  ENABLE_CONTINUOUS_UPDATES(150, Framing.FIXED, 1, 10),
  /** 248 ClientFence: 9 (3 pad, U32 flags, U8 length) + length (docs/protocol.md#clientfence). */
  CLIENT_FENCE(248, Framing.FENCE, 9, 0),
  /** 250 xvp: 4 (pad, U8 version, U8 code). */
  XVP(250, Framing.FIXED, 1, 4),
  /** 251 SetDesktopSize: 8 (pad, U16 w, U16 h, U8 screens, pad) + 16 × screens. */
  SET_DESKTOP_SIZE(251, Framing.DESKTOP_SIZE, 8, 0),
  /** 252 TightVNC 2 extension (per-code bodies) or KasmVNC's 5-byte message: ambiguous (docs/protocol.md#type-252). */
  TIGHT2_EXTENSION(252, Framing.UNFRAMEABLE, 0, 0),
  /** 253 gii: 4 (U8 endian-flag | subtype, EU16 length) + length; subtype 0 injects events (docs/protocol.md#gii). */
  GII(253, Framing.GII, 4, 0),
  /** 254 UltraVNC SetMonitor (4) per UltraVNC, VMware per the registry: ambiguous (docs/protocol.md#type-254). */
  SET_MONITOR(254, Framing.UNFRAMEABLE, 0, 0),
  /**
   * 255 QEMU: sub 0 ExtendedKeyEvent 12; sub 1 Audio 4, or 10 for set-format; other subs unframeable
   * (docs/protocol.md#qemu-client-message).
   */
  QEMU(255, Framing.QEMU, 2, 0),

  // ---- KasmVNC's dialect (docs/protocol.md#kasmvnc-client-messages) ----

  /** 5 KasmVNC PointerEvent: 11 (U16 mask, U16 x, U16 y, S16 scroll x, S16 scroll y). */
  KASM_POINTER_EVENT(5, Framing.KASM_POINTER, 11, 11, true),
  /** 178 KasmVNC RequestStats: 4 (3 pad). */
  KASM_REQUEST_STATS(178, Framing.FIXED, 1, 4, true),
  /** 179 KasmVNC FrameStats: 12 (3 pad, U32 all, U32 render). */
  KASM_FRAME_STATS(179, Framing.FIXED, 1, 12, true),
  /** 180 KasmVNC BinaryClipboard: 2 (U8 count), then per entry U8 mime length, mime, U32 length, data. */
  KASM_BINARY_CLIPBOARD(180, Framing.KASM_CLIPBOARD, 2, 0, true),
  /** 181 KasmVNC UpgradeToUdp: 3 (U16 length) + length. */
  KASM_UPGRADE_TO_UDP(181, Framing.U16_LENGTH, 3, 0, true),
  /** 182 KasmVNC SubscribeUnixRelay: 2 (U8 name length) + name. */
  KASM_SUBSCRIBE_UNIX_RELAY(182, Framing.U8_LENGTH, 2, 0, true),
  /** 183 KasmVNC UnixRelay: 2 (U8 name length) + name, then U32 length + data; names of 64 bytes or more blind. */
  KASM_UNIX_RELAY(183, Framing.KASM_UNIX_RELAY, 2, 0, true),
  /** 184 KasmVNC KeepAlive (1) in older versions, VideoEncoders (2 + 4 × count) in newer ones: ambiguous. */
  KASM_VIDEO_ENCODERS(184, Framing.UNFRAMEABLE, 0, 0, true),
  /** 185 KasmVNC KeepAlive: 1, the type byte alone; noise. */
  KASM_KEEP_ALIVE(185, Framing.KEEP_ALIVE, 1, 1, true),
  /** 188 KasmVNC DirectMouseEvent: 10 (U8 buttons, S16 dx, S16 dy, S16 scroll x, S16 scroll y). */
  KASM_DIRECT_MOUSE(188, Framing.KASM_DIRECT_MOUSE, 10, 10, true),
  /** 252 KasmVNC SetMaxVideoResolution: 5 (U16 width, U16 height). */
  KASM_SET_MAX_VIDEO_RESOLUTION(252, Framing.FIXED, 1, 5, true);

  /** KasmVNC's own range of message types; a type in it without a KasmVNC entry blinds as the dialect's. */
  static final int KASM_FIRST_TYPE = 178;
  static final int KASM_LAST_TYPE = 191;

  /** How a message's length is derived. */
  enum Framing {
    /** Total length {@link #length}, no event. */
    FIXED,
    /** KeyEvent: fixed, classified. */
    KEY,
    /** PointerEvent: 6 or 7, classified. */
    POINTER,
    /** UltraVNC KeepAlive: fixed, classified as noise. */
    KEEP_ALIVE,
    /** U16 count at 2, then count 4-byte encodings, each inspected. */
    SET_ENCODINGS,
    /** S32 length at 4, absolute value of body bytes. */
    CUT_TEXT,
    /** U8 length at 8. */
    FENCE,
    /** U8 screen count at 6, 16 bytes each. */
    DESKTOP_SIZE,
    /** EU16 length at 2 in the byte order given by bit 7 of byte 1. */
    GII,
    /** Sub-type at 1 decides. */
    QEMU,
    /** U32 length at 4 with three control values. */
    TEXT_CHAT,
    /** KasmVNC PointerEvent: fixed 11, classified. */
    KASM_POINTER,
    /** KasmVNC DirectMouseEvent: fixed 10, relative, classified. */
    KASM_DIRECT_MOUSE,
    /** KasmVNC BinaryClipboard: U8 entry count at 1, each entry walked. */
    KASM_CLIPBOARD,
    /** U8 length at 1 of body bytes. */
    U8_LENGTH,
    /** U16 length at 1 of body bytes. */
    U16_LENGTH,
    /** KasmVNC UnixRelay: U8 name length at 1, name, then a U32 length unit. */
    KASM_UNIX_RELAY,
    /** Known type, no generic length. */
    UNFRAMEABLE
  }

  private static final ClientMessageType[] BY_CODE = new ClientMessageType[256];
  private static final ClientMessageType[] KASM_BY_CODE = new ClientMessageType[256];

  static {
    for (ClientMessageType type : values()) {
      if (!type.kasm) {
        register(BY_CODE, type);
      }
    }
    System.arraycopy(BY_CODE, 0, KASM_BY_CODE, 0, BY_CODE.length);
    boolean[] kasmSeen = new boolean[256];
    for (ClientMessageType type : values()) {
      if (type.kasm) {
        if (kasmSeen[type.code]) {
          throw new AssertionError("duplicate KasmVNC message type " + type.code);
        }
        kasmSeen[type.code] = true;
        KASM_BY_CODE[type.code] = type;
      }
    }
  }

  private static void register(ClientMessageType[] table, ClientMessageType type) {
    if (table[type.code] != null) {
      throw new AssertionError("duplicate message type " + type.code);
    }
    table[type.code] = type;
  }

  final int code;
  final Framing framing;
  final int header;
  final int length;
  /** Whether the entry belongs to KasmVNC's dialect table only. */
  final boolean kasm;
  /**
   * The {@link InputClass} bits a message of this type needs (docs/protocol.md#input-classes); pointer messages,
   * QEMU and gii are decided per message by the parser.
   */
  final int inputClasses;

  ClientMessageType(int code, Framing framing, int header, int length) {
    this(code, framing, header, length, false);
  }

  ClientMessageType(int code, Framing framing, int header, int length, boolean kasm) {
    this.code = code;
    this.framing = framing;
    this.header = header;
    this.length = length;
    this.kasm = kasm;
    this.inputClasses = inputClasses(code, framing);
  }

  private static int inputClasses(int code, Framing framing) {
    switch (framing) {
      case KEY:
        return InputClass.KEYS.bit();
      case POINTER:
      case KASM_POINTER:
      case KASM_DIRECT_MOUSE:
        return InputClass.POINTER_BUTTONS.bit();
      case CUT_TEXT:
      case KASM_CLIPBOARD:
        return InputClass.CLIPBOARD.bit();
      case DESKTOP_SIZE:
        return InputClass.DESKTOP_RESIZE.bit();
      default:
        return code == 250 ? InputClass.XVP.bit() : 0;
    }
  }

  /** The entry for a type byte, or {@code null} when the type is unknown. O(1), allocation-free. */
  static ClientMessageType forCode(int code) {
    return BY_CODE[code];
  }

  /**
   * The entry for a type byte in KasmVNC's dialect: its own entries, else the standard one, or {@code null}.
   * O(1), allocation-free.
   */
  static ClientMessageType forKasmCode(int code) {
    return KASM_BY_CODE[code];
  }
}
