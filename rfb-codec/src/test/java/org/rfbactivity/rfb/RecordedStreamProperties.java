package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.rfbactivity.rfb.testing.StreamRecording;

/**
 * The recorded viewer streams (docs/protocol.md#synthetic-input) cut anywhere else than they were recorded, each input
 * message at its recorded time, give exactly the classification of the recorded chunking, event for event.
 */
class RecordedStreamProperties {

  static final List<String> NAMES = List.of("novnc-human-1", "novnc-human-2", "vernacular-human", "tigervnc-human",
      "novnc-jiggle-mouse", "novnc-jiggle-scrolllock", "novnc-jiggle-f15", "tigervnc-jiggle-mouse",
      "tigervnc-jiggle-scrolllock");
  /** Loaded once; read-only. */
  static final Map<String, StreamRecording> RECORDINGS = NAMES.stream()
      .collect(Collectors.toUnmodifiableMap(n -> n, RecordingReplay::load));
  static final Map<String, List<RecordingReplay.Classified>> AS_RECORDED = NAMES.stream()
      .collect(Collectors.toUnmodifiableMap(n -> n, n -> RecordingReplay.asRecorded(RECORDINGS.get(n))));

  @Property(tries = 300)
  void rechunkingNeverChangesTheClassification(@ForAll("names") String name,
      @ForAll @Size(max = 400) List<@DoubleRange(min = 0, max = 1, maxIncluded = false) Double> cutsAt) {
    StreamRecording recording = RECORDINGS.get(name);
    int length = recording.clientBytes().length;
    List<Integer> cuts = cutsAt.stream().map(f -> (int) (f * length)).toList();

    assertThat(RecordingReplay.rechunked(recording, cuts)).isEqualTo(AS_RECORDED.get(name));
  }

  @Example
  void oneByteChunksAndOneWholeChunk() {
    for (String name : NAMES) {
      StreamRecording recording = RECORDINGS.get(name);
      int length = recording.clientBytes().length;
      List<Integer> everyByte = IntStream.range(0, length).boxed().toList();
      assertThat(RecordingReplay.rechunked(recording, everyByte)).as(name).isEqualTo(AS_RECORDED.get(name));
      assertThat(RecordingReplay.rechunked(recording, List.of())).as(name).isEqualTo(AS_RECORDED.get(name));
    }
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of(NAMES);
  }
}
