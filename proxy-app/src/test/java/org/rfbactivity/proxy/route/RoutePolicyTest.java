package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ViewerPolicy;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.rfb.InputClass;

/**
 * A route's policy as the tracker takes it, the tracker's rules already holding where it is built, and its input
 * permissions replacing the flags' (docs/architecture.md#input-permissions).
 */
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

  /**
   * Input permissions ride on the same record: the route's value replaces the flags' whichever way it goes, a route
   * without one keeps them, and the tracker's policy does not see them.
   */
  @Test
  void aRoutesInputPermissionsReplaceTheDefault() {
    InputPermissions keys = InputPermissions.of(InputClass.KEYS);
    RoutePolicy kiosk = new RoutePolicy(Duration.ofMinutes(30), null, null, null, null, keys);

    assertThat(kiosk.inputPermissions(InputPermissions.all())).isEqualTo(keys);
    assertThat(new RoutePolicy(null, null, null, null, null, InputPermissions.all())
        .inputPermissions(InputPermissions.none())).as("wider than the default").isEqualTo(InputPermissions.all());
    assertThat(RoutePolicy.NONE.inputPermissions(InputPermissions.none())).isEqualTo(InputPermissions.none());
    assertThat(kiosk.toViewerPolicy()).isEqualTo(ViewerPolicy.builder().idleDisconnect(Duration.ofMinutes(30)).build());
    assertThat(new RoutePolicy(null, null, null, null, null, keys).toViewerPolicy()).isSameAs(ViewerPolicy.NONE);
    assertThat(kiosk).hasToString("RoutePolicy[idle_disconnect=30m input_permissions=keys]");
    assertThat(new RoutePolicy(null, null, null, null, null, InputPermissions.none()))
        .hasToString("RoutePolicy[input_permissions=none]");
  }

  @Test
  void theBuilderReadsEachOptionsTextAndRefusesBothPermissionOptions() {
    assertThat(new RoutePolicy.Builder().text("view_only", "TRUE").build().inputPermissions())
        .isEqualTo(InputPermissions.none());
    assertThat(new RoutePolicy.Builder().text("view_only", "false").build().inputPermissions())
        .isEqualTo(InputPermissions.all());
    assertThat(new RoutePolicy.Builder().text("input_permissions", "xvp,desktop-resize").text("idle_disconnect", "1h")
        .build()).isEqualTo(new RoutePolicy(Duration.ofHours(1), null, null, null, null,
            InputPermissions.of(InputClass.XVP, InputClass.DESKTOP_RESIZE)));
    assertThatThrownBy(() -> new RoutePolicy.Builder().text("view_only", "1"))
        .hasMessage("view_only: expected true or false");
    assertThatThrownBy(() -> new RoutePolicy.Builder().text("input_permissions", ""))
        .hasMessage("input_permissions: expected all, none or a comma list of keys,pointer-motion,pointer-buttons,"
            + "clipboard,desktop-resize,xvp");
    assertThatThrownBy(() -> new RoutePolicy.Builder().text("view_only", "true").text("view_only", "true"))
        .hasMessage("view_only given twice");
    assertThatThrownBy(() -> new RoutePolicy.Builder().text("view_only", "false").text("input_permissions", "all")
        .build()).hasMessage("view_only and input_permissions both given");
    assertThatThrownBy(() -> new RoutePolicy.Builder().text("SECRET", "keys")).hasMessage("unknown option (expected "
        + "idle_disconnect, idle_warning, max_session_duration, max_duration_warning, blind_max_duration, view_only, "
        + "input_permissions)");
  }
}
