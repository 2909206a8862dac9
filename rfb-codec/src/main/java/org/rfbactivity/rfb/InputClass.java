package org.rfbactivity.rfb;

/**
 * What a client message does to the server's desktop, as a permission class: x11vnc's {@code -input} letters and
 * TigerVNC's {@code Accept*} parameters, one constant each (docs/protocol.md#input-classes). A
 * {@link ClientMessageBoundaries} callback receives the classes a message needs as a bit set of {@link #bit()}s; a
 * message that needs none (SetEncodings, FramebufferUpdateRequest, fences, keep-alives …) is not input.
 */
public enum InputClass {
  /** KeyEvent (any keysym, KasmVNC's keep-alive keysym 1 included), QEMU extended key, gii key events. */
  KEYS("keys"),
  /** A PointerEvent (standard or KasmVNC, DirectMouseEvent) with no button held or changed and no scroll; gii motion. */
  POINTER_MOTION("pointer-motion"),
  /** A PointerEvent with a button held or changed (wheel buttons 4–7 and KasmVNC scroll amounts included); gii buttons. */
  POINTER_BUTTONS("pointer-buttons"),
  /** ClientCutText (plain and extended) and KasmVNC BinaryClipboard: the viewer's clipboard to the server. */
  CLIPBOARD("clipboard"),
  /** SetDesktopSize (251). */
  DESKTOP_RESIZE("desktop-resize"),
  /** xvp (250): shutdown, reboot, reset of the server's machine. */
  XVP("xvp");

  /** Every class's bit. */
  public static final int ALL_BITS = (1 << 6) - 1;

  private final String label;

  InputClass(String label) {
    this.label = label;
  }

  /** {@return its bit in a class set: {@code 1 << ordinal()}} */
  public int bit() {
    return 1 << ordinal();
  }

  /** {@return the name used in settings and metric tags ({@code pointer-motion})} */
  public String label() {
    return label;
  }
}
