package org.rfbactivity.activity;

import org.rfbactivity.activity.event.ActivityEvent;

/** Something that happened to a session, waiting for the flusher; its time is still in ticker nanoseconds. */
sealed interface PendingEvent permits PendingTransition, PendingViewerEvent, PendingPolicyEvent {

  String sessionId();

  /** The event as the sinks see it, with this id, time base and replica. */
  ActivityEvent toEvent(String id, TimeBase timeBase, String replicaId);
}
