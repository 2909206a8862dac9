package org.rfbactivity.proxy.control;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.relay.ViewerRegistry;

/**
 * What an operator asked to close: every viewer of one session, or one viewer. The same target travels in a control
 * command (docs/architecture.md#control-channel), where exactly one of its two columns is set.
 *
 * @param sessionId the session whose viewers to close, or null
 * @param viewerId the viewer to close, or null
 */
public record DisconnectTarget(String sessionId, String viewerId) {

  public DisconnectTarget {
    if ((sessionId == null) == (viewerId == null)) {
      throw new IllegalArgumentException("exactly one of sessionId and viewerId: " + sessionId + ", " + viewerId);
    }
  }

  public static DisconnectTarget session(String sessionId) {
    return new DisconnectTarget(Objects.requireNonNull(sessionId, "sessionId"), null);
  }

  public static DisconnectTarget viewer(String viewerId) {
    return new DisconnectTarget(null, Objects.requireNonNull(viewerId, "viewerId"));
  }

  /** The connections of this replica the target names: routed to the session, or the one with the id. */
  List<ViewerConnection> heldIn(ViewerRegistry registry) {
    if (sessionId != null) {
      return registry.bySession(sessionId);
    }
    Optional<ViewerConnection> one = registry.byId(viewerId);
    return one.map(List::of).orElse(List.of());
  }

  /** For log lines: {@code session desk-1} or {@code viewer v…} (ids are printable ASCII by construction). */
  @Override
  public String toString() {
    return sessionId != null ? "session " + sessionId : "viewer " + viewerId;
  }
}
