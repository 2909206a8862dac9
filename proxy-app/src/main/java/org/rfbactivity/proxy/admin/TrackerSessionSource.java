package org.rfbactivity.proxy.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.SessionSnapshot;
import org.rfbactivity.activity.TransitionCause;
import org.rfbactivity.activity.ViewerSnapshot;
import org.rfbactivity.proxy.bridge.ViewerAttributes;

/**
 * {@code /api/sessions} from the tracker's snapshots: this replica's live view, evaluated at request time. Without a
 * database it is the whole answer; with one, {@link ClusterSessions} merges it with the other replicas'.
 */
public final class TrackerSessionSource implements SessionSource {

  private final ActivityTracker tracker;
  private final String replicaId;

  public TrackerSessionSource(ActivityTracker tracker) {
    this.tracker = tracker;
    this.replicaId = tracker.config().replicaId();
  }

  @Override
  public List<SessionJson> sessions() {
    List<SessionJson> all = new ArrayList<>();
    for (SessionSnapshot s : tracker.snapshots()) {
      all.add(json(s, replicaId));
    }
    return all;
  }

  @Override
  public Optional<SessionJson> session(String sessionId) {
    return tracker.snapshot(sessionId).map(s -> json(s, replicaId));
  }

  static SessionJson json(SessionSnapshot s, String replicaId) {
    List<SessionJson.ViewerJson> viewers = new ArrayList<>(s.viewers().size());
    for (ViewerSnapshot v : s.viewers()) {
      Map<String, String> a = v.attributes();
      viewers.add(new SessionJson.ViewerJson(v.viewerId(), a.get(ViewerAttributes.REMOTE_ADDRESS), v.state().name(),
          v.inspectable(), v.blindReason(), a.get(ViewerAttributes.PROTOCOL_VERSION),
          a.get(ViewerAttributes.SECURITY_TYPE), iso(v.connectedSince()), a.get(ViewerAttributes.FRONTEND),
          a.get(ViewerAttributes.ROUTE), replicaId));
    }
    return new SessionJson(s.sessionId(), s.state().name(), iso(s.lastActivity()),
        s.lastInputKind() == null ? null : s.lastInputKind().name(), viewers, counts(s), SessionJson.SOURCE_REPLICA,
        iso(s.stateSince()), iso(s.lastConnectAt()), iso(s.lastDisconnectAt()), iso(s.activeUntil()), cause(s),
        s.lastCloseReason());
  }

  static Map<String, Long> counts(SessionSnapshot s) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Map.Entry<InputKind, Long> e : s.inputCounts().entrySet()) {
      counts.put(e.getKey().name(), e.getValue());
    }
    return counts;
  }

  static SessionJson.CauseJson cause(SessionSnapshot s) {
    TransitionCause cause = s.lastCause();
    return cause == null ? null : new SessionJson.CauseJson(cause.viewerId(),
        cause.inputKind() == null ? null : cause.inputKind().name(), cause.reason().name());
  }

  /** ISO-8601 in UTC ({@code 2026-11-24T10:00:00.123Z}), or null. */
  static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
