package org.rfbactivity.activity;

/**
 * What a viewer sent, as classified by the protocol inspector (docs/architecture.md#input-classification). The
 * constants up to {@link #SYNTHETIC} mirror rfb-codec's {@code org.rfbactivity.rfb.InputKind}, because this module must
 * not depend on the codec; an embedder maps one onto the other (the proxy with an exhaustive switch, which fails to
 * compile when the codec gains a kind). {@link #BLIND_TRAFFIC} is the tracker's own: what a viewer whose stream
 * cannot be inspected sends.
 *
 * <p>Which kinds count as activity is a tracker setting ({@link ActivityConfig.Builder#countedKinds}, and
 * {@link ActivityConfig.Builder#blindPolicy} for {@link #BLIND_TRAFFIC}); every kind is counted in snapshots and
 * metrics.
 */
public enum InputKind {
  /** A key went down (KeyEvent down, QEMU extended key down, gii key press or repeat). */
  KEY_PRESS,
  /** A key went up. */
  KEY_RELEASE,
  /** The pointer position changed. */
  POINTER_MOVE,
  /** A non-wheel button changed. */
  POINTER_BUTTON,
  /** A wheel "button" was pressed. */
  POINTER_WHEEL,
  /** The viewer sent clipboard content (often automatic, on focus). */
  CLIPBOARD,
  /** The viewer asked for a new desktop size. */
  DESKTOP_RESIZE,
  /** Keep-alives and pointer events identical to the previous one. */
  NOISE,
  /**
   * A jiggler's input: a pointer jiggle or an untyped key tap at a steady period (docs/protocol.md#synthetic-input).
   * Not counted as activity by default.
   */
  SYNTHETIC,
  /**
   * Client-to-server bytes of a viewer whose stream cannot be inspected (a blind viewer): one per read of such
   * bytes, whatever they hold. Whether it counts as activity is the {@link BlindPolicy}'s decision, never
   * {@link ActivityConfig.Builder#countedKinds}'s.
   */
  BLIND_TRAFFIC;

  private static final InputKind[] VALUES = values();

  /** Number of constants; sizes per-kind arrays without calling {@code values()} on a hot path. */
  static final int COUNT = VALUES.length;

  /** The constant with this ordinal, from a cached array (no copy). */
  static InputKind ofOrdinal(int ordinal) {
    return VALUES[ordinal];
  }
}
