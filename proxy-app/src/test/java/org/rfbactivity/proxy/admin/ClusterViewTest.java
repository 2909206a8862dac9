package org.rfbactivity.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.SessionSnapshot;
import org.rfbactivity.activity.TransitionCause;
import org.rfbactivity.activity.TransitionReason;
import org.rfbactivity.activity.ViewerSnapshot;
import org.rfbactivity.proxy.relay.ViewerRegistry;

/** The merge of this replica's live view with the database's (docs/architecture.md#cluster-view), rule by rule. */
class ClusterViewTest {

  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @Test
  void inputNoFlushHasRecordedYetIsTheReplicasOwnTransition() {
    SessionSnapshot local = local(ActivityState.ACTIVE, T0.plusSeconds(50), T0.plusSeconds(50), InputKind.KEY_PRESS,
        T0.plusSeconds(80), new TransitionCause("v-a", InputKind.KEY_PRESS, TransitionReason.INPUT), "v-a");
    StoredSession stored = stored("CONNECTED_IDLE", T0.plusSeconds(20), T0, "POINTER_MOVE", null,
        new SessionJson.CauseJson(null, null, "WINDOW_ELAPSED"), false,
        List.of(viewer("proxy-b", "v-b", false, T0.plusSeconds(15))));

    SessionJson s = ClusterView.merge(local, stored, "proxy-a", new ViewerRegistry());

    assertThat(s.state()).isEqualTo("ACTIVE");
    assertThat(s.source()).isEqualTo("replica+database");
    assertThat(s.stateSince()).isEqualTo("2026-12-03T10:00:50Z");
    assertThat(s.lastCause()).isEqualTo(new SessionJson.CauseJson("v-a", "KEY_PRESS", "INPUT"));
    assertThat(s.lastActivity()).isEqualTo("2026-12-03T10:00:50Z");
    assertThat(s.lastInputKind()).isEqualTo("KEY_PRESS");
    assertThat(s.activeUntil()).isEqualTo("2026-12-03T10:01:20Z");
    assertThat(s.viewers()).extracting(SessionJson.ViewerJson::replica, SessionJson.ViewerJson::id)
        .containsExactly(tuple("proxy-a", "v-a"), tuple("proxy-b", "v-b"));
  }

  @Test
  void anotherReplicasActiveViewerMakesAnIdleReplicaAnswerActiveWithTheClustersTimes() {
    SessionSnapshot local = local(ActivityState.CONNECTED_IDLE, T0.plusSeconds(40), T0.plusSeconds(5),
        null, null, new TransitionCause(null, null, TransitionReason.WINDOW_ELAPSED), "v-b");
    StoredSession stored = stored("ACTIVE", T0.plusSeconds(60), T0.plusSeconds(60), "POINTER_MOVE",
        T0.plusSeconds(90), new SessionJson.CauseJson("v-a", "POINTER_MOVE", "INPUT"), true,
        List.of(viewer("proxy-a", "v-a", true, T0.plusSeconds(95))));

    SessionJson s = ClusterView.merge(local, stored, "proxy-b", new ViewerRegistry());

    assertThat(s.state()).isEqualTo("ACTIVE");
    assertThat(s.stateSince()).isEqualTo("2026-12-03T10:01:00Z");
    assertThat(s.lastCause()).isEqualTo(new SessionJson.CauseJson("v-a", "POINTER_MOVE", "INPUT"));
    assertThat(s.lastActivity()).isEqualTo("2026-12-03T10:01:00Z");
    assertThat(s.lastInputKind()).isEqualTo("POINTER_MOVE");
    assertThat(s.activeUntil()).as("the latest any replica holds").isEqualTo("2026-12-03T10:01:35Z");
  }

  @Test
  void inputOfAViewerThatClosedElsewhereKeepsTheSessionActive() {
    SessionSnapshot local = local(ActivityState.CONNECTED_IDLE, T0.plusSeconds(40), T0.plusSeconds(5), null, null,
        null, "v-b");
    StoredSession stored = stored("ACTIVE", T0.plusSeconds(60), T0.plusSeconds(60), "KEY_PRESS",
        T0.plusSeconds(90), new SessionJson.CauseJson("v-gone", "KEY_PRESS", "INPUT"), true, List.of());

    SessionJson s = ClusterView.merge(local, stored, "proxy-b", new ViewerRegistry());

    assertThat(s.state()).isEqualTo("ACTIVE");
    assertThat(s.activeUntil()).isEqualTo("2026-12-03T10:01:30Z");
    assertThat(s.viewers()).extracting(SessionJson.ViewerJson::id).containsExactly("v-b");
  }

  @Test
  void aSessionNoReplicaHoldsIsDisconnectedWhateverThisReplicasStaleRowsSay() {
    StoredSession stored = stored("CONNECTED_IDLE", T0.plusSeconds(30), T0, null, null,
        new SessionJson.CauseJson("v-old", null, "VIEWER_OPENED"), false, List.of());

    SessionJson s = ClusterView.merge(null, stored, "proxy-a", new ViewerRegistry());

    assertThat(s.state()).isEqualTo("DISCONNECTED");
    assertThat(s.source()).isEqualTo("database");
    assertThat(s.lastCause()).as("the stored cause explains another state").isNull();
    assertThat(s.activeUntil()).isNull();
    assertThat(s.inputCounts()).isEmpty();
  }

  @Test
  void aSessionTheDatabaseHasNotSeenIsThisReplicasAlone() {
    SessionSnapshot local = local(ActivityState.DISCONNECTED, T0, null, null, null, null);

    SessionJson s = ClusterView.merge(local, null, "proxy-a", new ViewerRegistry());

    assertThat(s.state()).isEqualTo("DISCONNECTED");
    assertThat(s.source()).isEqualTo("replica");
    assertThat(s.stateSince()).isEqualTo("2026-12-03T10:00:00Z");
  }

  @Test
  void connectAndDisconnectTimesAreTheLatestAnyoneSaw() {
    SessionSnapshot local = new SessionSnapshot("desk", ActivityState.DISCONNECTED, T0.plusSeconds(70),
        T0.plusSeconds(10), null, List.of(), Map.of(), true, T0.plusSeconds(10), T0.plusSeconds(70), null, null,
        "client_closed");
    StoredSession stored = new StoredSession("desk", "DISCONNECTED", T0.plusSeconds(10), null, T0.plusSeconds(70),
        T0.plusSeconds(30), T0.plusSeconds(60), null, null, false, List.of());

    SessionJson s = ClusterView.merge(local, stored, "proxy-a", new ViewerRegistry());

    assertThat(s.lastConnectAt()).isEqualTo("2026-12-03T10:00:30Z");
    assertThat(s.lastDisconnectAt()).isEqualTo("2026-12-03T10:01:10Z");
    assertThat(s.lastCloseReason()).as("this replica's own").isEqualTo("client_closed");
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }

  private static SessionSnapshot local(ActivityState state, Instant since, Instant lastActivity, InputKind kind,
      Instant activeUntil, TransitionCause cause, String... viewerIds) {
    List<ViewerSnapshot> viewers = new java.util.ArrayList<>();
    for (String id : viewerIds) {
      viewers.add(new ViewerSnapshot(id, state == ActivityState.ACTIVE ? ActivityState.ACTIVE
          : ActivityState.CONNECTED_IDLE, true, null, T0, T0, null, Map.of(), Map.of()));
    }
    return new SessionSnapshot("desk", state, since, lastActivity, kind, viewers, Map.of(), true, T0, null,
        activeUntil, cause, null);
  }

  private static StoredSession stored(String state, Instant since, Instant lastActivity, String kind,
      Instant activeUntil, SessionJson.CauseJson cause, boolean sessionActive, List<StoredSession.StoredViewer> others) {
    return new StoredSession("desk", state, lastActivity, kind, since, T0, null, activeUntil, cause, sessionActive,
        others);
  }

  private static StoredSession.StoredViewer viewer(String replica, String id, boolean active, Instant activeUntil) {
    return new StoredSession.StoredViewer(replica, id, active ? "ACTIVE" : "CONNECTED_IDLE", true, null, T0,
        activeUntil, active);
  }
}
