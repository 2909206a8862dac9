package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ViewerPolicy;

/** A route's policy as the tracker takes it, and the tracker's rules already holding where it is built. */
class RoutePolicyTest {

  @Test
  void everyOptionReachesTheTrackersPolicy() {
    RoutePolicy route = new RoutePolicy(Duration.ofMinutes(30), Duration.ofMinutes(2), Duration.ofHours(8),
        Duration.ofMinutes(10), Duration.ofMinutes(45));

    assertThat(route.toViewerPolicy()).isEqualTo(ViewerPolicy.builder().idleDisconnect(Duration.ofMinutes(30))
        .idleWarning(Duration.ofMinutes(2)).maxSessionDuration(Duration.ofHours(8))
        .maxDurationWarning(Duration.ofMinutes(10)).blindMaxDuration(Duration.ofMinutes(45)).build());
    assertThat(new RoutePolicy(null, null, null, null, Duration.ofSeconds(1)).toViewerPolicy())
        .isEqualTo(ViewerPolicy.builder().blindMaxDuration(Duration.ofSeconds(1)).build());
    assertThat(RoutePolicy.NONE.toViewerPolicy()).isSameAs(ViewerPolicy.NONE);
    assertThat(route).hasToString("RoutePolicy[idle_disconnect=30m idle_warning=2m max_session_duration=8h "
        + "max_duration_warning=10m blind_max_duration=45m]");
  }

  @Test
  void whatTheTrackerWouldRefuseIsRefusedHereByTheOptionsName() {
    assertThatThrownBy(() -> new RoutePolicy(ViewerPolicy.MAX_LIMIT.plusMillis(1), null, null, null, null))
        .hasMessage("idle_disconnect: must be at most 8784h (366 days)");
    assertThatThrownBy(() -> new RoutePolicy(null, null, Duration.ZERO, null, null))
        .hasMessage("max_session_duration: must be greater than zero");
    assertThatThrownBy(() -> new RoutePolicy(null, null, null, Duration.ofMinutes(1), null))
        .hasMessage("max_duration_warning needs max_session_duration on the same route");
    assertThatThrownBy(() -> new RoutePolicy(Duration.ofMinutes(1), Duration.ofMinutes(1), null, null, null))
        .hasMessage("idle_warning must be shorter than idle_disconnect");
    assertThat(new RoutePolicy(ViewerPolicy.MAX_LIMIT, null, null, null, null).toViewerPolicy().idleDisconnect())
        .as("the longest limit itself").hasValue(ViewerPolicy.MAX_LIMIT);
  }
}
