package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rfbactivity.rfb.InputKind.KEY_PRESS;
import static org.rfbactivity.rfb.InputKind.KEY_RELEASE;
import static org.rfbactivity.rfb.InputKind.NOISE;
import static org.rfbactivity.rfb.InputKind.POINTER_BUTTON;
import static org.rfbactivity.rfb.InputKind.POINTER_MOVE;
import static org.rfbactivity.rfb.InputKind.POINTER_WHEEL;
import static org.rfbactivity.rfb.InputKind.SYNTHETIC;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The jiggler patterns of docs/protocol.md#synthetic-input, event by event, on a fake clock. */
class SyntheticInputDetectorTest {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final int F15 = 0xFFCC;
  private static final int SCROLL_LOCK = 0xFF14;
  private static final int LETTER_A = 0x61;

  private long now;
  private final SyntheticInputDetector detector = new SyntheticInputDetector(() -> now);

  private InputKind move(int x, int y) {
    detector.pointer(POINTER_MOVE, 0, x, y);
    return detector.classify(POINTER_MOVE);
  }

  private InputKind pointer(InputKind kind, int buttons, int x, int y) {
    detector.pointer(kind, buttons, x, y);
    return detector.classify(kind);
  }

  private InputKind key(boolean down, int keysym) {
    detector.key(down, keysym);
    return detector.classify(down ? KEY_PRESS : KEY_RELEASE);
  }

  /** 1 px right and back, every 30 s ± 1 % (the jitter alternates +300 ms, −300 ms, 0). */
  @Test
  void onePixelJiggleEveryThirtySecondsIsSyntheticFromTheThirdPeriod() {
    now = 0;
    assertThat(move(500, 400)).isEqualTo(POINTER_MOVE); // where the person left the pointer
    long[] jitter = {300 * MS, -300 * MS, 0};
    List<InputKind> got = new ArrayList<>();
    long t = 10 * S;
    for (int i = 0; i < 8; i++) {
      now = t;
      got.add(move(501, 400));
      now = t + 2 * MS;
      got.add(move(500, 400));
      t += 30 * S + jitter[i % 3];
    }
    assertThat(got).containsExactly(POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE,
        SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC,
        SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC);
  }

  /** A 2 px square (right, down, left, up), every 60 s. */
  @Test
  void twoPixelSquareEveryMinuteIsSyntheticFromTheThirdPeriod() {
    now = 0;
    move(100, 100);
    List<InputKind> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long t = 60 * S * (i + 1);
      int[][] square = {{102, 100}, {102, 102}, {100, 102}, {100, 100}};
      for (int j = 0; j < square.length; j++) {
        now = t + j * 10 * MS;
        got.add(move(square[j][0], square[j][1]));
      }
    }
    assertThat(got).containsExactly(
        POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE,
        POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE,
        SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC,
        SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC);
  }

  /** A lone F15 tap every 59 s: press and release are both synthetic from the third tap. */
  @Test
  void f15TapEveryFiftyNineSecondsIsSyntheticFromTheThirdPeriod() {
    List<InputKind> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      now = 59 * S * i;
      got.add(key(true, F15));
      now += 40 * MS;
      got.add(key(false, F15));
    }
    assertThat(got).containsExactly(KEY_PRESS, KEY_RELEASE, KEY_PRESS, KEY_RELEASE, SYNTHETIC, SYNTHETIC,
        SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC);
  }

  /** Scroll Lock toggled twice (state restored) every 4 min: one burst of two taps per period. */
  @Test
  void scrollLockDoubleToggleEveryFourMinutesIsSyntheticFromTheThirdPeriod() {
    List<InputKind> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      long t = 240 * S * i;
      for (int j = 0; j < 2; j++) {
        now = t + j * 60 * MS;
        got.add(key(true, SCROLL_LOCK));
        now += 20 * MS;
        got.add(key(false, SCROLL_LOCK));
      }
    }
    assertThat(got).containsExactly(
        KEY_PRESS, KEY_RELEASE, KEY_PRESS, KEY_RELEASE,
        KEY_PRESS, KEY_RELEASE, KEY_PRESS, KEY_RELEASE,
        SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC,
        SYNTHETIC, SYNTHETIC, SYNTHETIC, SYNTHETIC);
  }

  /** Jiggles every 30 s until synthetic; then one other input; returns the classifications after it. */
  private List<InputKind> jiggleThen(Runnable interruption, int jigglesAfter) {
    now = 0;
    move(500, 400);
    for (int i = 1; i <= 3; i++) {
      now = 30 * S * i;
      assertThat(move(501, 400)).isEqualTo(i < 3 ? POINTER_MOVE : SYNTHETIC);
      now += MS;
      move(500, 400);
    }
    now = 100 * S;
    interruption.run();
    List<InputKind> got = new ArrayList<>();
    for (int i = 4; i < 4 + jigglesAfter; i++) {
      now = 30 * S * i;
      got.add(move(501, 400));
      now += MS;
      got.add(move(500, 400));
    }
    return got;
  }

  @Test
  void aKeyPressEndsTheJiggleAndCountsAndDetectionRestarts() {
    List<InputKind> got = new ArrayList<>();
    List<InputKind> after = jiggleThen(() -> {
      got.add(key(true, LETTER_A));
      got.add(key(false, LETTER_A));
    }, 3);
    assertThat(got).containsExactly(KEY_PRESS, KEY_RELEASE);
    // Restarted: two more periods count, the third is synthetic again.
    assertThat(after).containsExactly(POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, SYNTHETIC, SYNTHETIC);
  }

  @Test
  void aButtonEndsTheJiggleAtOnce() {
    List<InputKind> got = new ArrayList<>();
    List<InputKind> after = jiggleThen(() -> {
      got.add(pointer(POINTER_BUTTON, 1, 500, 400));
      got.add(pointer(POINTER_BUTTON, 0, 500, 400));
    }, 2);
    assertThat(got).containsExactly(POINTER_BUTTON, POINTER_BUTTON);
    assertThat(after).containsExactly(POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE);
  }

  @Test
  void aWheelEndsTheJiggleAtOnce() {
    List<InputKind> got = new ArrayList<>();
    List<InputKind> after = jiggleThen(() -> {
      got.add(pointer(POINTER_WHEEL, 8, 500, 400));
      got.add(pointer(NOISE, 0, 500, 400));
    }, 2);
    assertThat(got).containsExactly(POINTER_WHEEL, NOISE);
    assertThat(after).containsExactly(POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE);
  }

  @Test
  void aRealMoveInsideASyntheticBurstCountsAtOnce() {
    now = 0;
    move(500, 400);
    for (int i = 1; i <= 3; i++) {
      now = 30 * S * i;
      move(501, 400);
      now += MS;
      move(500, 400);
    }
    now = 120 * S;
    assertThat(move(501, 400)).isEqualTo(SYNTHETIC);
    now += 5 * MS;
    assertThat(move(504, 400)).isEqualTo(POINTER_MOVE);
    now += 5 * MS;
    assertThat(move(505, 400)).isEqualTo(POINTER_MOVE); // the person's burst goes on
    // Back to jiggling around the new rest position: two periods count again.
    List<InputKind> got = new ArrayList<>();
    for (int i = 5; i <= 7; i++) {
      now = 30 * S * i;
      got.add(move(506, 400));
      now += MS;
      got.add(move(505, 400));
    }
    assertThat(got).containsExactly(POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, SYNTHETIC, SYNTHETIC);
  }

  @Test
  void anOtherKeyEndsATapPatternAndTheRepeatOfATappedKeyIsAPerson() {
    for (int i = 0; i < 3; i++) {
      now = 59 * S * i;
      key(true, F15);
      now += 40 * MS;
      key(false, F15);
    }
    now = 200 * S;
    assertThat(key(true, LETTER_A)).isEqualTo(KEY_PRESS);
    assertThat(key(false, LETTER_A)).isEqualTo(KEY_RELEASE);
    now = 236 * S;
    assertThat(key(true, F15)).isEqualTo(KEY_PRESS);
    now += 40 * MS;
    assertThat(key(true, F15)).isEqualTo(KEY_PRESS); // auto-repeat: held, not tapped
    assertThat(key(false, F15)).isEqualTo(KEY_RELEASE);
  }

  @Test
  void aPeriodOutsideTheToleranceRestartsTheCount() {
    now = 0;
    move(10, 10);
    List<InputKind> got = new ArrayList<>();
    // Intervals: 30 s, 30 s (synthetic), then 34 s (beyond 10 %): a new rhythm of 34 s must prove itself.
    long[] starts = {30 * S, 60 * S, 90 * S, 124 * S, 158 * S};
    for (long start : starts) {
      now = start;
      got.add(move(11, 10));
      now += MS;
      got.add(move(10, 10));
    }
    assertThat(got).containsExactly(POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, SYNTHETIC, SYNTHETIC,
        POINTER_MOVE, POINTER_MOVE, SYNTHETIC, SYNTHETIC);
  }

  @Test
  void shortPeriodsHaveFiftyMillisecondsOfSlack() {
    now = 0;
    move(10, 10);
    List<InputKind> got = new ArrayList<>();
    // 300 ms, then 345 ms: 10 % would be 30 ms, the floor is 50 ms
    long[] starts = {300 * MS, 600 * MS, 945 * MS, 1245 * MS};
    for (long start : starts) {
      now = start;
      got.add(move(11, 10));
      now += MS;
      got.add(move(10, 10));
    }
    assertThat(got).containsExactly(POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, POINTER_MOVE, SYNTHETIC, SYNTHETIC,
        SYNTHETIC, SYNTHETIC);
  }

  @Test
  void anExcursionThatDoesNotComeBackIsNotAJiggle() {
    now = 0;
    move(10, 10);
    List<InputKind> got = new ArrayList<>();
    int x = 10;
    for (int i = 1; i <= 5; i++) {
      now = 30 * S * i;
      x++;
      got.add(move(x, 10)); // a 1 px drift every 30 s, never back
    }
    assertThat(got).containsOnly(POINTER_MOVE);
  }

  @Test
  void noiseClipboardAndResizeNeitherEndNorFeedAPattern() {
    now = 0;
    move(500, 400);
    for (int i = 1; i <= 3; i++) {
      now = 30 * S * i;
      move(501, 400);
      now += MS;
      move(500, 400);
      now += MS;
      assertThat(pointer(NOISE, 0, 500, 400)).isEqualTo(NOISE);
      assertThat(detector.classify(InputKind.CLIPBOARD)).isEqualTo(InputKind.CLIPBOARD);
      assertThat(detector.classify(InputKind.DESKTOP_RESIZE)).isEqualTo(InputKind.DESKTOP_RESIZE);
    }
    now = 120 * S;
    assertThat(move(501, 400)).isEqualTo(SYNTHETIC);
  }

  @Test
  void redactedKeysymsAreNeverTaps() {
    for (int i = 0; i < 5; i++) {
      now = 59 * S * i;
      assertThat(key(true, RfbListener.REDACTED_KEYSYM)).isEqualTo(KEY_PRESS);
      assertThat(key(false, RfbListener.REDACTED_KEYSYM)).isEqualTo(KEY_RELEASE);
    }
  }

  @Test
  void aGiiInputWithoutDetailEndsAPattern() {
    now = 0;
    move(500, 400);
    for (int i = 1; i <= 3; i++) {
      now = 30 * S * i;
      move(501, 400);
      now += MS;
      move(500, 400);
    }
    now = 100 * S;
    assertThat(detector.classify(KEY_PRESS)).isEqualTo(KEY_PRESS);
    now = 120 * S;
    assertThat(move(501, 400)).isEqualTo(POINTER_MOVE);
  }

  @Test
  void untypedKeysAreF13ToF24AndScrollLock() {
    assertThat(SyntheticInputDetector.isUntypedKey(0xFFC9)).isFalse(); // F12
    assertThat(SyntheticInputDetector.isUntypedKey(0xFFCA)).isTrue(); // F13
    assertThat(SyntheticInputDetector.isUntypedKey(0xFFD5)).isTrue(); // F24
    assertThat(SyntheticInputDetector.isUntypedKey(0xFFD6)).isFalse(); // F25
    assertThat(SyntheticInputDetector.isUntypedKey(0xFF14)).isTrue(); // Scroll_Lock
    assertThat(SyntheticInputDetector.isUntypedKey(0xFFE5)).isFalse(); // Caps_Lock
    assertThat(SyntheticInputDetector.isUntypedKey(0xFF7F)).isFalse(); // Num_Lock
  }
}
