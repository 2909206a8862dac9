package org.rfbactivity.proxy.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.SessionSnapshot;
import org.rfbactivity.proxy.relay.ViewerRegistry;

/**
 * One session's cluster-wide state, from this replica's live view and what the database holds of the others
 * (docs/architecture.md#cluster-view). This replica's own rows in the database are a flush behind its live view, so
 * they are never used: its viewers come from the tracker, the others' from their fresh rows.
 */
final class ClusterView {

  /** Viewers are listed by replica, then id, wherever the answer is made. */
  private static final Comparator<SessionJson.ViewerJson> BY_REPLICA_AND_ID =
      Comparator.comparing(SessionJson.ViewerJson::replica).thenComparing(SessionJson.ViewerJson::id);

  private ClusterView() {}

  /**
   * @param local this replica's snapshot, or null when the tracker does not know the session
   * @param stored the database's, or null when the database never saw the session
   * @param replicaId this replica's id, shown on its viewers
   * @param live this replica's open connections (input permissions and dropped input are known for these only)
   */
  static SessionJson merge(SessionSnapshot local, StoredSession stored, String replicaId, ViewerRegistry live) {
    if (stored == null) {
      return TrackerSessionSource.json(local, replicaId, live);
    }
    boolean anyActive = stored.sessionActive() || (local != null && local.state() == ActivityState.ACTIVE);
    Instant activeUntil = local == null ? null : local.activeUntil();
    List<SessionJson.ViewerJson> viewers = new ArrayList<>();
    if (local != null) {
      viewers.addAll(TrackerSessionSource.json(local, replicaId, live).viewers());
    }
    for (StoredSession.StoredViewer v : stored.elsewhere()) {
      viewers.add(new SessionJson.ViewerJson(v.viewerId(), null, v.state(), v.inspectable(), v.blindReason(), null,
          null, iso(v.connectedAt()), null, null, v.replicaId(), null, null));
      if (v.active()) {
        anyActive = true;
        activeUntil = later(activeUntil, v.activeUntil());
      }
    }
    viewers.sort(BY_REPLICA_AND_ID);
    String state = viewers.isEmpty() ? ActivityState.DISCONNECTED.name()
        : anyActive ? ActivityState.ACTIVE.name() : ActivityState.CONNECTED_IDLE.name();
    if (ActivityState.ACTIVE.name().equals(state)) {
      activeUntil = later(activeUntil, stored.activeUntil());
    } else {
      activeUntil = null;
    }

    // Time in state: the database's, which every replica's flush settles, while it agrees; else this replica's, whose
    // transition a flush has not recorded yet.
    Instant since;
    SessionJson.CauseJson cause;
    if (state.equals(stored.state()) || local == null || !state.equals(local.state().name())) {
      since = stored.stateSince();
      cause = state.equals(stored.state()) ? stored.cause() : null;
    } else {
      since = local.stateSince();
      cause = TrackerSessionSource.cause(local);
    }

    Instant lastActivity = stored.lastActivity();
    String lastInputKind = stored.lastInputKind();
    if (local != null && local.lastActivity() != null
        && (lastActivity == null || !local.lastActivity().isBefore(lastActivity))) {
      lastActivity = local.lastActivity();
      lastInputKind = local.lastInputKind() == null ? lastInputKind : local.lastInputKind().name();
    }
    Map<String, Long> counts = local == null ? Map.of() : TrackerSessionSource.counts(local);
    return new SessionJson(stored.sessionId(), state, iso(lastActivity), lastInputKind, viewers, counts,
        local == null ? SessionJson.SOURCE_DATABASE : SessionJson.SOURCE_CLUSTER, iso(since),
        iso(later(local == null ? null : local.lastConnectAt(), stored.lastConnectAt())),
        iso(later(local == null ? null : local.lastDisconnectAt(), stored.lastDisconnectAt())), iso(activeUntil),
        cause, local == null ? null : local.lastCloseReason());
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || !b.isAfter(a) ? a : b;
  }

  private static String iso(Instant instant) {
    return TrackerSessionSource.iso(instant);
  }
}
