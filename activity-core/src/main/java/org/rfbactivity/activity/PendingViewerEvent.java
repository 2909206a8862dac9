package org.rfbactivity.activity;

import org.rfbactivity.activity.event.ActivityEvent;

/**
 * A viewer opened or closed, waiting for the flusher.
 *
 * @param reason the close reason, null for an open
 */
record PendingViewerEvent(String sessionId, String viewerId, boolean opened, long atNanos, String reason)
    implements PendingEvent {

  @Override
  public ActivityEvent toEvent(String id, TimeBase timeBase, String replicaId) {
    return opened ? ActivityEvent.viewerOpened(id, timeBase.toInstant(atNanos), replicaId, sessionId, viewerId)
        : ActivityEvent.viewerClosed(id, timeBase.toInstant(atNanos), replicaId, sessionId, viewerId, reason);
  }
}
