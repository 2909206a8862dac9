package org.rfbactivity.rfb;

import static org.rfbactivity.rfb.InputKind.CLIPBOARD;
import static org.rfbactivity.rfb.InputKind.KEY_PRESS;
import static org.rfbactivity.rfb.InputKind.KEY_RELEASE;
import static org.rfbactivity.rfb.InputKind.NOISE;
import static org.rfbactivity.rfb.InputKind.POINTER_BUTTON;
import static org.rfbactivity.rfb.InputKind.POINTER_MOVE;
import static org.rfbactivity.rfb.InputKind.POINTER_WHEEL;

import java.util.Map;

/**
 * What each recording in src/test/resources/recordings holds, counted once when it was recorded: a re-recording
 * changes these numbers, and the README's (rfb-codec, tests) with them.
 */
final class RecordingCounts {

  private RecordingCounts() {}

  /** The first SYNTHETIC input of a jiggler's recording: its index and its recorded time. */
  record FirstSynthetic(int index, long micros) {}

  /** Each person's recording: its inputs by kind, as reported (no SYNTHETIC among them). */
  static final Map<String, Map<InputKind, Integer>> HUMAN = Map.of(
      "novnc-human-1", Map.of(CLIPBOARD, 1, KEY_PRESS, 27, KEY_RELEASE, 27, NOISE, 20, POINTER_BUTTON, 6,
          POINTER_MOVE, 382, POINTER_WHEEL, 17),
      "novnc-human-2", Map.of(CLIPBOARD, 1, KEY_PRESS, 20, KEY_RELEASE, 20, NOISE, 25, POINTER_BUTTON, 6,
          POINTER_MOVE, 302, POINTER_WHEEL, 20),
      "vernacular-human", Map.of(KEY_PRESS, 17, KEY_RELEASE, 17, NOISE, 28, POINTER_BUTTON, 10,
          POINTER_MOVE, 478, POINTER_WHEEL, 25),
      "tigervnc-human", Map.of(CLIPBOARD, 1, KEY_PRESS, 55, KEY_RELEASE, 55, NOISE, 22, POINTER_BUTTON, 4,
          POINTER_MOVE, 139, POINTER_WHEEL, 19));

  /** Each jiggler's recording: its first SYNTHETIC input, the first of its third jiggle. */
  static final Map<String, FirstSynthetic> FIRST_SYNTHETIC = Map.of(
      "novnc-jiggle-mouse", new FirstSynthetic(6, 6_107_080),
      "novnc-jiggle-scrolllock", new FirstSynthetic(5, 6_098_315),
      "novnc-jiggle-f15", new FirstSynthetic(5, 6_081_416),
      "tigervnc-jiggle-mouse", new FirstSynthetic(16, 7_782_247),
      "tigervnc-jiggle-scrolllock", new FirstSynthetic(16, 7_846_377));
}
