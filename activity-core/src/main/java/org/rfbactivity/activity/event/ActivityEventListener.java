package org.rfbactivity.activity.event;

/**
 * Receives every {@link ActivityEvent} a tracker emits (docs/architecture.md#events).
 *
 * <p>Threading: called only from the tracker's flusher thread (or the thread closing it), in the order the events
 * were committed: with a database store, after the flush that records them commits (so never for a write that rolled
 * back); without one, at the tick that evaluated them. Listeners must be quick and must not block (hand the event
 * to a queue): a slow listener delays the next tick. One that throws is logged and the next still runs.
 */
@FunctionalInterface
public interface ActivityEventListener {

  /**
   * One event.
   *
   * @param event see {@link ActivityEvent} for the meaning of each field
   */
  void onEvent(ActivityEvent event);
}
