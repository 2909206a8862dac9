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
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.relay.ViewerRegistry;
import org.rfbactivity.rfb.InputClass;

/**
 * {@code /api/sessions} from the tracker's snapshots: this replica's live view, evaluated at request time, with each
 * viewer's input permissions and dropped input from its open connection. Without a database it is the whole answer;
 * with one, {@link ClusterSessions} merges it with the other replicas'.
 */
public final class TrackerSessionSource implements SessionSource {

  private final ActivityTracker tracker;
  private final ViewerRegistry live;
  private final String replicaId;

  /** @param live this replica's open connections, for each viewer's input permissions and dropped input */
  public TrackerSessionSource(ActivityTracker tracker, ViewerRegistry live) {
    this.tracker = tracker;
    this.live = live;
    this.replicaId = tracker.config().replicaId();
  }

  @Override
  public List<SessionJson> sessions() {
    List<SessionJson> all = new ArrayList<>();
    for (SessionSnapshot s : tracker.snapshots()) {
      all.add(json(s, replicaId, live));
    }
    return all;
  }

  @Override
  public Optional<SessionJson> session(String sessionId) {
    return tracker.snapshot(sessionId).map(s -> json(s, replicaId, live));
  }

  static SessionJson json(SessionSnapshot s, String replicaId, ViewerRegistry live) {
    List<SessionJson.ViewerJson> viewers = new ArrayList<>(s.viewers().size());
    for (ViewerSnapshot v : s.viewers()) {
      Map<String, String> a = v.attributes();
      ViewerConnection connection = live.byId(v.viewerId()).orElse(null);
      InputPermissions permissions = connection == null ? null : connection.inputPermissions();
      viewers.add(new SessionJson.ViewerJson(v.viewerId(), a.get(ViewerAttributes.REMOTE_ADDRESS), v.state().name(),
          v.inspectable(), v.blindReason(), a.get(ViewerAttributes.PROTOCOL_VERSION),
          a.get(ViewerAttributes.SECURITY_TYPE), iso(v.connectedSince()), a.get(ViewerAttributes.FRONTEND),
          a.get(ViewerAttributes.ROUTE), replicaId, permissions == null ? null : allowed(permissions),
          permissions == null ? null : dropped(connection, permissions)));
    }
    return new SessionJson(s.sessionId(), s.state().name(), iso(s.lastActivity()),
        s.lastInputKind() == null ? null : s.lastInputKind().name(), viewers, counts(s), SessionJson.SOURCE_REPLICA,
        iso(s.stateSince()), iso(s.lastConnectAt()), iso(s.lastDisconnectAt()), iso(s.activeUntil()), cause(s),
        s.lastCloseReason());
  }

  /** The allowed classes' labels, in the codec's order. */
  private static List<String> allowed(InputPermissions permissions) {
    List<String> labels = new ArrayList<>();
    for (InputClass c : InputClass.values()) {
      if (permissions.allows(c)) {
        labels.add(c.label());
      }
    }
    return labels;
  }

  /** The withheld classes' dropped counts, in the codec's order. */
  private static Map<String, Long> dropped(ViewerConnection connection, InputPermissions permissions) {
    Map<String, Long> dropped = new LinkedHashMap<>();
    for (InputClass c : InputClass.values()) {
      if (!permissions.allows(c)) {
        dropped.put(c.label(), connection.droppedInput(c));
      }
    }
    return dropped;
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
