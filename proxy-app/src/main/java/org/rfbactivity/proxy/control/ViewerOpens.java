package org.rfbactivity.proxy.control;

import java.time.Instant;
import java.util.Optional;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.ViewerSnapshot;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.relay.ViewerDescription;
import org.rfbactivity.proxy.relay.ViewerRegistry;

/**
 * When this replica's viewers were opened, as the tracker recorded it: a command read late (after a reconnect) closes
 * only viewers that were already open when it was issued, never one that came later.
 */
final class ViewerOpens {

  private final ViewerRegistry registry;
  private final ActivityTracker tracker;

  ViewerOpens(ViewerRegistry registry, ActivityTracker tracker) {
    this.registry = registry;
    this.tracker = tracker;
  }

  /** True when the viewer was opened at or before {@code instant}; false when it was later or is not a viewer yet. */
  boolean openedBy(String viewerId, Instant instant) {
    return opened(viewerId).map(at -> !at.isAfter(instant)).orElse(false);
  }

  private Optional<Instant> opened(String viewerId) {
    ViewerDescription d = registry.byId(viewerId).map(ViewerConnection::description).orElse(null);
    if (d == null) {
      return Optional.empty();
    }
    return tracker.snapshot(d.route().sessionId()).flatMap(s -> s.viewers().stream()
        .filter(v -> v.viewerId().equals(viewerId)).findFirst()).map(ViewerSnapshot::connectedSince);
  }
}
