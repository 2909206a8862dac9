package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rfbactivity.rfb.RecordingReplay.Classified;

/**
 * Real viewers' recorded client→server streams (src/test/resources/recordings, made by proxy-app's
 * ViewerRecordingIT against a real Xvnc) replayed through the inspector and the detector with the recorded clock
 * (docs/protocol.md#synthetic-input): a person is never {@code SYNTHETIC}; a jiggler is from its third period on.
 */
class RecordedViewerStreamsTest {

  /** The jigglers' recorded period (ViewerRecordingIT.PERIOD_MS) and number of periods. */
  static final long PERIOD_MICROS = 2_000_000;
  static final int PERIODS = 6;

  @ParameterizedTest
  @ValueSource(strings = {"novnc-human-1", "novnc-human-2", "vernacular-human", "tigervnc-human"})
  void aPersonIsNeverSynthetic(String name) {
    List<Classified> events = RecordingReplay.asRecorded(RecordingReplay.load(name));

    assertThat(countByKind(events)).as(name).isEqualTo(RecordingCounts.HUMAN.get(name));
    assertThat(events).as(name).noneMatch(e -> e.reported() == InputKind.SYNTHETIC);
  }

  @ParameterizedTest
  @ValueSource(strings = {"novnc-jiggle-mouse", "novnc-jiggle-scrolllock", "novnc-jiggle-f15", "tigervnc-jiggle-mouse",
      "tigervnc-jiggle-scrolllock"})
  void aJigglerIsSyntheticFromItsThirdPeriod(String name) {
    List<Classified> events = RecordingReplay.asRecorded(RecordingReplay.load(name));
    List<List<Integer>> bursts = bursts(events);
    List<List<Integer>> jiggles = bursts.subList(bursts.size() - PERIODS, bursts.size());

    // Everything before the third jiggle counts as what the inspector said; everything from it on is SYNTHETIC.
    int third = jiggles.get(2).get(0);
    for (int i = 0; i < events.size(); i++) {
      InputKind expected = i < third || events.get(i).inspected() == InputKind.NOISE
          ? events.get(i).inspected() : InputKind.SYNTHETIC;
      assertThat(events.get(i).reported()).as(name + " event " + i).isEqualTo(expected);
    }
    assertThat(new RecordingCounts.FirstSynthetic(third, events.get(third).micros())).as(name)
        .isEqualTo(RecordingCounts.FIRST_SYNTHETIC.get(name));
    // ... two periods after the first jiggle, within the detector's tolerance of each.
    long sinceFirst = events.get(third).micros() - events.get(jiggles.get(0).get(0)).micros();
    assertThat(sinceFirst).as(name).isBetween(2 * PERIOD_MICROS - 2 * PERIOD_MICROS / 10, 2 * PERIOD_MICROS
        + 2 * PERIOD_MICROS / 10);
    assertThat(events.subList(third, events.size())).as(name)
        .allMatch(e -> e.reported() == InputKind.SYNTHETIC || e.inspected() == InputKind.NOISE);
  }

  /** Indices of the non-noise inputs, grouped into bursts as the detector's rule does (gap under 200 ms). */
  static List<List<Integer>> bursts(List<Classified> events) {
    List<List<Integer>> bursts = new ArrayList<>();
    long last = Long.MIN_VALUE;
    for (int i = 0; i < events.size(); i++) {
      Classified e = events.get(i);
      if (e.inspected() == InputKind.NOISE) {
        continue;
      }
      if (bursts.isEmpty() || e.micros() - last > SyntheticInputDetector.BURST_GAP_NANOS / 1000) {
        bursts.add(new ArrayList<>());
      }
      bursts.get(bursts.size() - 1).add(i);
      last = e.micros();
    }
    return bursts;
  }

  static Map<InputKind, Integer> countByKind(List<Classified> events) {
    Map<InputKind, Integer> counts = new TreeMap<>();
    events.forEach(e -> counts.merge(e.reported(), 1, Integer::sum));
    return counts;
  }
}
