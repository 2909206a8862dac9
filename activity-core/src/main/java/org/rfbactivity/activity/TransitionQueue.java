package org.rfbactivity.activity;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.EventIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transitions and viewer opens and closes on their way from the thread that caused them (intake, a snapshot, the
 * flusher) to the flusher thread, which hands transitions to listeners and every event to the store's batch.
 * Enqueued under the session's lock, so each session's events are in order.
 */
final class TransitionQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TransitionQueue.class);

  /**
   * Bound on undelivered events. A tick normally carries a few per changing session; this many means the flusher is
   * not running (not started, or stuck in a listener), and memory matters more than notifications. Session state
   * itself is never dropped, only these events.
   */
  static final int MAX_PENDING = 65_536;

  private final ConcurrentLinkedQueue<PendingEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  void offer(PendingEvent event) {
    if (size.incrementAndGet() > MAX_PENDING) {
      size.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.offer(event);
  }

  /**
   * Delivers every queued transition to the listeners, in order (a throwing listener is logged and the others still
   * run), and returns every queued event as an {@link ActivityEvent} with a fresh id.
   */
  List<ActivityEvent> deliver(TimeBase timeBase, List<ActivityListener> listeners, ActivityMetrics metrics,
      EventIds ids, String owner) {
    int lost = dropped.getAndSet(0);
    if (lost > 0) {
      LOG.warn("{} - {} events were not delivered: more than {} were pending", owner, lost, MAX_PENDING);
    }
    List<ActivityEvent> events = new ArrayList<>();
    PendingEvent pending;
    while ((pending = queue.poll()) != null) {
      size.decrementAndGet();
      events.add(pending.toEvent(ids.next(), timeBase, owner));
      if (pending instanceof PendingTransition transition) {
        metrics.transition(transition.from(), transition.to());
        notify(transition.toTransition(timeBase), listeners, owner);
      }
    }
    return events;
  }

  private static void notify(ActivityTransition transition, List<ActivityListener> listeners, String owner) {
    for (ActivityListener listener : listeners) {
      try {
        listener.onTransition(transition);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        // An AssertionError or LinkageError of a listener is its bug too: the others still run.
        LOG.error("{} - listener {} failed on a transition of session {}", owner,
            listener.getClass().getName(), transition.sessionId(), e);
      }
    }
  }
}
