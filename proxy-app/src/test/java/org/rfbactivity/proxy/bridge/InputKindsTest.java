package org.rfbactivity.proxy.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rfbactivity.rfb.InputKind;

/** Each codec input kind becomes the tracker's kind of the same name; only the tracker's BLIND_TRAFFIC is its own. */
class InputKindsTest {

  @Test
  void everyCodecKindMapsOntoTheTrackerKindOfTheSameName() {
    for (InputKind kind : InputKind.values()) {
      assertThat(InputKinds.toTracker(kind).name()).as("%s", kind).isEqualTo(kind.name());
    }
  }

  @Test
  void everyTrackerKindButBlindTrafficIsReached() {
    Set<org.rfbactivity.activity.InputKind> reached = EnumSet.noneOf(org.rfbactivity.activity.InputKind.class);
    for (InputKind kind : InputKind.values()) {
      reached.add(InputKinds.toTracker(kind));
    }
    assertThat(EnumSet.complementOf(EnumSet.copyOf(reached)))
        .containsExactly(org.rfbactivity.activity.InputKind.BLIND_TRAFFIC);
  }
}
