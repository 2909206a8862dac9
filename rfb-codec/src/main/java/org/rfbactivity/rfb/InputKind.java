package org.rfbactivity.rfb;

/**
 * The classification of one client input message (docs/protocol.md#input-and-noise). {@link RfbListener#input} is
 * called exactly once per classified message; activity-core has an enum with the same constants, onto which the
 * proxy's bridge maps these with an exhaustive switch.
 *
 * <p>Counted as user activity by default: {@link #KEY_PRESS}, {@link #POINTER_MOVE}, {@link #POINTER_BUTTON},
 * {@link #POINTER_WHEEL}. The others are reported so that a policy can count them if it wants to.
 */
public enum InputKind {
  /** KeyEvent with down-flag set, QEMU extended key down, gii key press or repeat (docs/protocol.md#key-repeat). */
  KEY_PRESS,
  /** KeyEvent with down-flag clear, QEMU extended key up, gii key release. */
  KEY_RELEASE,
  /**
   * PointerEvent whose position differs from the previous one (or, with QEMU Pointer Motion Change, that carries
   * motion, docs/protocol.md#relative-pointer-motion), with no button or wheel change; gii motion; KasmVNC direct
   * mouse motion.
   */
  POINTER_MOVE,
  /** PointerEvent or KasmVNC direct mouse event that changes a non-wheel button (buttons 1–3, 8, 9); gii buttons. */
  POINTER_BUTTON,
  /**
   * PointerEvent that presses a wheel button (buttons 4–7; one notch = press then release,
   * docs/protocol.md#wheel-notches); a KasmVNC pointer or direct mouse event with a scroll amount.
   */
  POINTER_WHEEL,
  /**
   * ClientCutText, plain or extended (negative length), docs/protocol.md#clientcuttext; KasmVNC BinaryClipboard,
   * docs/protocol.md#kasmvnc-client-messages.
   */
  CLIPBOARD,
  /** SetDesktopSize (type 251), docs/protocol.md#setdesktopsize. */
  DESKTOP_RESIZE,
  /**
   * Input-shaped traffic that is not user input: a PointerEvent identical to the previous one (unless QEMU Pointer
   * Motion Change is listed), the release half of a wheel notch at an unchanged position, a KeyEvent with keysym 1
   * (KasmVNC keep-alive), UltraVNC KeepAlive (type 13) and KasmVNC KeepAlive (type 185),
   * docs/protocol.md#automatic-client-traffic.
   */
  NOISE,
  /**
   * A pointer jiggle or an untyped key tap at a steady period, which a jiggler sends to defeat idle timers
   * (docs/protocol.md#synthetic-input). The inspector never reports it: {@link SyntheticInputDetector} re-classifies
   * what the inspector reported, for an embedder that puts it in its listener path.
   */
  SYNTHETIC
}
