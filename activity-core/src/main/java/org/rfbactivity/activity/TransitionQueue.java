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
 * Enqueued under the session's lock, so each session's events are in order. An event goes out with the tick that
 * collected its session's rows, never before: one queued after its session was collected (by a listener during
 * delivery, or by intake while the tick runs) waits for the next tick, so that a shared store settles each change
 * with the event that dates and explains it (docs/architecture.md#events).
 */
final class TransitionQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TransitionQueue.class);

  /**
   * Bound on undelivered events. A tick normally carries a few per changing session; this many means the flusher is
   * not running (not started, or stuck in a listener), and memory matters more than notifications. Session state
   * itself is never dropped, only these events.
   */
  static final int MAX_PENDING = 65_536;

  /** An event with its session and its ordinal among that session's events. */
  private record Queued(SessionSlot slot, long ordinal, PendingEvent event) {
  }

  private final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();
  /** Events the last delivery left for the next one, oldest first (flusher thread only). */
  private List<Queued> waiting = new ArrayList<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  /** Queues {@code slot}'s event number {@code ordinal}; called under the slot's lock. */
  void offer(SessionSlot slot, long ordinal, PendingEvent event) {
    if (size.incrementAndGet() > MAX_PENDING) {
      size.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.offer(new Queued(slot, ordinal, event));
  }

  /**
   * Delivers every queued transition whose session's rows were collected to the listeners, in order (a throwing
   * listener is logged and the others still run), and returns those events as {@link ActivityEvent}s with fresh ids.
   * Events queued while this runs (a listener that closes a viewer) are delivered too if their rows were collected.
   *
   * @param all deliver every event, collected or not: the last tick, after which no collect comes
   */
  List<ActivityEvent> deliver(TimeBase timeBase, List<ActivityListener> listeners, ActivityMetrics metrics,
      EventIds ids, String owner, boolean all) {
    int lost = dropped.getAndSet(0);
    if (lost > 0) {
      LOG.warn("{} - {} events were not delivered: more than {} were pending", owner, lost, MAX_PENDING);
    }
    List<ActivityEvent> events = new ArrayList<>();
    List<Queued> waited = waiting;
    waiting = new ArrayList<>();
    for (Queued queued : waited) {
      deliverOrWait(queued, all, events, timeBase, listeners, metrics, ids, owner);
    }
    Queued queued;
    while ((queued = queue.poll()) != null) {
      deliverOrWait(queued, all, events, timeBase, listeners, metrics, ids, owner);
    }
    return events;
  }

  private void deliverOrWait(Queued queued, boolean all, List<ActivityEvent> events, TimeBase timeBase,
      List<ActivityListener> listeners, ActivityMetrics metrics, EventIds ids, String owner) {
    // Ordinals grow per session, so a session's later events wait too and its order holds.
    if (!all && !queued.slot().collected(queued.ordinal())) {
      waiting.add(queued);
      return;
    }
    size.decrementAndGet();
    PendingEvent pending = queued.event();
    events.add(pending.toEvent(ids.next(), timeBase, owner));
    if (pending instanceof PendingTransition transition) {
      metrics.transition(transition.from(), transition.to());
      notify(transition.toTransition(timeBase), listeners, owner);
    }
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
