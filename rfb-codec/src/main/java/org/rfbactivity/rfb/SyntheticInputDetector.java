package org.rfbactivity.rfb;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Tells a mouse or key jiggler from a person (docs/protocol.md#synthetic-input): re-classifies what the inspector
 * reports as {@link InputKind#SYNTHETIC} when it follows a jiggler's pattern, and leaves everything else as it is.
 *
 * <p>It sits in the listener path and takes the callbacks in the order the inspector makes them: the detail of a
 * message ({@link #key}, {@link #pointer}) first, then {@link #classify} with the inspector's kind, which returns the
 * kind to report. Keysyms must be revealed to it ({@link RfbInspectorConfig.Builder#revealKeysyms(boolean)}) for key
 * taps to be recognised; it keeps only the keysym of the tapped key, which is one of a few keys nobody types.
 *
 * <p>One per connection, used on its event loop only, like the inspector; fields only, so it allocates nothing per
 * input. Time comes from the injected nanosecond source, read once per classified input.
 */
public final class SyntheticInputDetector {

  /** How far (on either axis) a jiggle may take the pointer from where it rests. */
  static final int MAX_JIGGLE_PIXELS = 3;
  /** Input closer than this to the previous one belongs to the same burst: one jiggle, one tap or double tap. */
  static final long BURST_GAP_NANOS = 200_000_000L;

  private static final int NO_KEY = -1;
  /** No previous burst's first step: no step is this far. */
  private static final int NO_STEP = Integer.MIN_VALUE;
  private static final int NONE = 0;
  private static final int KEY = 1;
  private static final int POINTER = 2;

  private final LongSupplier nanoTime;
  private final Cadence jiggles = new Cadence();
  private final Cadence taps = new Cadence();

  /** Which detail callback came before the next {@link #classify}, and what it carried. */
  private int pending = NONE;
  private boolean pendingDown;
  private int pendingKeysym;
  private int pendingX;
  private int pendingY;

  /** Whether a pointer position is known yet. */
  private boolean pointerSeen;
  /** Where the pointer rests, from which jiggles are measured. */
  private int anchorX;
  private int anchorY;
  private int lastX;
  private int lastY;
  private long lastPointerAt;
  /** The previous burst's first step from the anchor, and the moves of the current and the previous burst. */
  private int firstDx = NO_STEP;
  private int firstDy = NO_STEP;
  private int burstMoves;
  private int previousBurstMoves;
  /** The current pointer burst is a person's (it left the anchor's square, or pressed a button): it counts. */
  private boolean humanBurst;
  private boolean syntheticBurst;

  /** The key being tapped, NO_KEY when none. */
  private int tapKey = NO_KEY;
  private boolean tapDown;
  private long lastTapAt;
  private boolean syntheticTap;

  /**
   * @param nanoTime monotonic nanoseconds, e.g. {@code System::nanoTime}; tests pass a fake clock
   */
  public SyntheticInputDetector(LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * The detail of a KeyEvent, as {@link RfbListener#key} receives it.
   *
   * @param down whether the key went down
   * @param keysym the keysym, or {@link RfbListener#REDACTED_KEYSYM}
   */
  public void key(boolean down, int keysym) {
    pending = KEY;
    pendingDown = down;
    pendingKeysym = keysym;
  }

  /**
   * The detail of a PointerEvent, as {@link RfbListener#pointer} receives it.
   *
   * @param kind the inspector's classification
   * @param buttonMask the buttons held
   * @param x the horizontal position
   * @param y the vertical position
   */
  public void pointer(InputKind kind, int buttonMask, int x, int y) {
    pending = POINTER;
    pendingX = x;
    pendingY = y;
  }

  /**
   * The inspector's classification of the message whose detail came last ({@link RfbListener#input}): returns it, or
   * {@link InputKind#SYNTHETIC} when the message is part of a jiggler's pattern.
   *
   * @param kind the inspector's classification
   * @return {@code kind}, or {@link InputKind#SYNTHETIC}
   */
  public InputKind classify(InputKind kind) {
    int detail = pending;
    int keysym = pendingKeysym;
    pending = NONE;
    // Held no longer than the message: only a tapped untyped key's keysym stays (tapKey).
    pendingKeysym = NO_KEY;
    if (kind == InputKind.NOISE || kind == InputKind.CLIPBOARD || kind == InputKind.DESKTOP_RESIZE) {
      // Not input a jiggler fakes nor a person's proof: neither ends nor feeds a pattern.
      return kind;
    }
    if (detail == POINTER) {
      return pointerInput(kind, pendingX, pendingY, nanoTime.getAsLong());
    }
    if (detail == KEY) {
      return pendingDown ? keyPress(keysym, nanoTime.getAsLong()) : keyRelease(keysym, kind);
    }
    // Without detail (gii events): a person's input, except a release, which only follows a press.
    if (kind != InputKind.KEY_RELEASE) {
      endPatterns();
    }
    return kind;
  }

  // ---------------------------------------------------------------- pointer

  private InputKind pointerInput(InputKind kind, int x, int y, long now) {
    if (kind != InputKind.POINTER_MOVE || !pointerSeen) {
      // A button or a wheel (or the first position): a person; the pointer rests here for now.
      endPatterns();
      pointerSeen = true;
      restAt(x, y, now);
      return kind;
    }
    if (now - lastPointerAt > BURST_GAP_NANOS) {
      if (lastX != anchorX || lastY != anchorY) {
        // The previous burst did not come back: where it ended is where the pointer rests now.
        anchorX = lastX;
        anchorY = lastY;
        forgetShape();
      }
      // A jiggler repeats itself: the same first step and as many moves as the burst before.
      int dx = x - anchorX;
      int dy = y - anchorY;
      if (dx != firstDx || dy != firstDy || (previousBurstMoves != 0 && burstMoves != previousBurstMoves)) {
        jiggles.reset();
      }
      firstDx = dx;
      firstDy = dy;
      previousBurstMoves = burstMoves;
      burstMoves = 0;
      humanBurst = false;
      syntheticBurst = jiggles.burstAt(now);
    }
    lastPointerAt = now;
    lastX = x;
    lastY = y;
    if (Math.abs(x - anchorX) > MAX_JIGGLE_PIXELS || Math.abs(y - anchorY) > MAX_JIGGLE_PIXELS) {
      endPatterns();
      restAt(x, y, now);
      return kind;
    }
    if (humanBurst) {
      // Small moves that continue a person's movement: the rest position follows them.
      anchorX = x;
      anchorY = y;
      return kind;
    }
    burstMoves++;
    return syntheticBurst ? InputKind.SYNTHETIC : kind;
  }

  /** A person's burst that ends (so far) at this position. */
  private void restAt(int x, int y, long now) {
    anchorX = x;
    anchorY = y;
    lastX = x;
    lastY = y;
    lastPointerAt = now;
    humanBurst = true;
    syntheticBurst = false;
    forgetShape();
  }

  /** No jiggle shape to compare the next burst with. */
  private void forgetShape() {
    jiggles.reset();
    firstDx = NO_STEP;
    firstDy = NO_STEP;
    burstMoves = 0;
    previousBurstMoves = 0;
  }

  // ---------------------------------------------------------------- keys

  private InputKind keyPress(int keysym, long now) {
    if (!isUntypedKey(keysym) || tapDown) {
      // Any other key, or a tapped key held down (auto-repeat) or pressed with another: a person.
      endPatterns();
      return InputKind.KEY_PRESS;
    }
    if (keysym != tapKey) {
      taps.reset();
      tapKey = keysym;
      syntheticTap = taps.burstAt(now);
    } else if (now - lastTapAt > BURST_GAP_NANOS) {
      syntheticTap = taps.burstAt(now);
    }
    tapDown = true;
    lastTapAt = now;
    return syntheticTap ? InputKind.SYNTHETIC : InputKind.KEY_PRESS;
  }

  private InputKind keyRelease(int keysym, InputKind kind) {
    if (tapDown && keysym == tapKey) {
      tapDown = false;
      lastTapAt = nanoTime.getAsLong();
      return syntheticTap ? InputKind.SYNTHETIC : kind;
    }
    return kind;
  }

  /**
   * F13–F24 and Scroll Lock: keys on no common keyboard layout's typing path, which jigglers tap because they change
   * nothing on the desktop (docs/protocol.md#synthetic-input).
   */
  static boolean isUntypedKey(int keysym) {
    return keysym == 0xFF14 || (keysym >= 0xFFCA && keysym <= 0xFFD5);
  }

  // ---------------------------------------------------------------- both

  /** A person's input: every pattern restarts, and this input counts as it is. */
  private void endPatterns() {
    forgetShape();
    taps.reset();
    humanBurst = true;
    syntheticBurst = false;
    tapKey = NO_KEY;
    tapDown = false;
    syntheticTap = false;
  }
}
