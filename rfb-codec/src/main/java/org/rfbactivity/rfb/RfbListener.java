package org.rfbactivity.rfb;

/**
 * Receives what an {@link RfbInspector} observes on one connection. Every method has a no-op default, so an
 * embedder implements only what it needs.
 *
 * <p>All methods are called on the channel's event loop, synchronously, before the bytes that caused them are
 * forwarded; they must be quick and must not block. An exception thrown here (checked ones included) makes the
 * connection blind ({@link BlindReason#INTERNAL_ERROR}), it never escapes the handler (in strict mode it is rethrown
 * as the cause of an {@link RfbProtocolException}); an {@link Error} propagates, after the buffer was released.
 *
 * <p>A callback may close the channel, or write into the other direction (e.g. client bytes from
 * {@link #serverInit} on the backend channel). Bytes written into the direction being parsed would travel ahead
 * of the rest of the buffer being parsed; the inspector cannot follow that order, so it goes blind
 * ({@link BlindReason#UNEXPECTED_DATA}).
 *
 * <p>For one client message the detail callback ({@link #key}, {@link #pointer}, {@link #clipboard},
 * {@link #desktopResize}) comes first, then {@link #input} with its classification. Input callbacks use
 * primitive arguments so the steady state allocates nothing.
 *
 * <p>Privacy: keysyms are passed as {@link #REDACTED_KEYSYM} unless
 * {@link RfbInspectorConfig.Builder#revealKeysyms(boolean)} is set; clipboard text never leaves the codec (only its
 * length does).
 */
public interface RfbListener {

  /** The keysym passed to {@link #key} unless the configuration reveals keysyms (no real keysym is negative). */
  int REDACTED_KEYSYM = -1;

  /**
   * Once per connection; see {@link HandshakeCompleted} for when.
   *
   * @param event the versions, the security type and whether the stream can be inspected
   */
  default void handshakeCompleted(HandshakeCompleted event) {
  }

  /**
   * Once per connection, when the server's ServerInit has been read (desktop name capped).
   *
   * @param event the desktop's size, pixel format and name
   */
  default void serverInit(ServerInit event) {
  }

  /**
   * At most once per connection, when the server refused the connection during the security phase.
   *
   * @param failure the result code and the server's capped reason
   */
  default void securityFailed(SecurityFailure failure) {
  }

  /**
   * Exactly once per classified client input message (KeyEvent, PointerEvent, ClientCutText, SetDesktopSize,
   * QEMU extended key, each gii injected event, UltraVNC KeepAlive; in KasmVNC's dialect also its PointerEvent,
   * DirectMouseEvent, BinaryClipboard and KeepAlive), {@link InputKind#NOISE} included.
   *
   * @param kind the message's classification
   */
  default void input(InputKind kind) {
  }

  /**
   * A KeyEvent (type 4) or QEMU extended key event (255/0).
   *
   * @param down whether the key went down (auto-repeat is repeated downs, docs/protocol.md#key-repeat)
   * @param keysym the X keysym, or {@link #REDACTED_KEYSYM} unless keysyms are revealed by configuration
   */
  default void key(boolean down, int keysym) {
  }

  /**
   * A PointerEvent (type 5), or KasmVNC's PointerEvent or DirectMouseEvent (188).
   *
   * @param kind its classification (also passed to {@link #input} right after)
   * @param buttonMask buttons 1–8 in bits 0–7; with ExtendedMouseButtons (−316) and the 7-byte form, bit 7 is
   *     button 8 (back) and bit 8 button 9 (forward), as TigerVNC rebuilds it (docs/protocol.md#button-mask);
   *     KasmVNC's PointerEvent carries a 16-bit mask
   * @param x pointer x (a relative motion offset by 0x7FFF when QEMU pointer-motion-change is active; the signed
   *     delta of a KasmVNC DirectMouseEvent)
   * @param y pointer y, likewise
   */
  default void pointer(InputKind kind, int buttonMask, int x, int y) {
  }

  /**
   * A ClientCutText (type 6), or KasmVNC's BinaryClipboard (180); the text or data itself is skipped, never read.
   *
   * @param length body length in bytes (0 … 2^31); for BinaryClipboard, the data bytes of all its entries
   *     (up to 255 × (2^32 − 1))
   * @param extended whether the length was negative (Extended Clipboard, docs/protocol.md#clientcuttext)
   */
  default void clipboard(long length, boolean extended) {
  }

  /**
   * A SetDesktopSize (type 251).
   *
   * @param width requested framebuffer width
   * @param height requested framebuffer height
   * @param screens number of screen records that followed
   */
  default void desktopResize(int width, int height, int screens) {
  }

  /**
   * The connection went blind: every byte is still relayed, nothing more is interpreted. Fired at most once per
   * connection (in either direction).
   *
   * @param direction the direction in which the problem was found
   * @param reason why
   * @param offset the offset in that direction's byte stream of the first byte that was not interpreted
   */
  default void inspectionLost(Direction direction, BlindReason reason, long offset) {
  }
}
