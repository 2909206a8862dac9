package org.rfbactivity.activity;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transitions on their way from the thread that caused them (intake, a snapshot, the flusher) to the listeners,
 * which run only on the flusher thread. Enqueued under the session's lock, so each session's transitions are
 * delivered in order.
 */
final class TransitionQueue {

  private static final Logger LOG = LoggerFactory.getLogger(TransitionQueue.class);

  /**
   * Bound on undelivered transitions. A tick normally carries a few per changing session; this many means the
   * flusher is not running (not started, or stuck in a listener), and memory matters more than notifications.
   * Session state itself is never dropped, only these events.
   */
  static final int MAX_PENDING = 65_536;

  private final ConcurrentLinkedQueue<PendingTransition> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  void offer(PendingTransition transition) {
    if (size.incrementAndGet() > MAX_PENDING) {
      size.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    queue.offer(transition);
  }

  /** Delivers everything queued, in order; a throwing listener is logged and the others still run. */
  void deliver(TimeBase timeBase, List<ActivityListener> listeners, ActivityMetrics metrics, String owner) {
    int lost = dropped.getAndSet(0);
    if (lost > 0) {
      LOG.warn("{} - {} transitions were not delivered: more than {} were pending", owner, lost, MAX_PENDING);
    }
    PendingTransition pending;
    while ((pending = queue.poll()) != null) {
      size.decrementAndGet();
      metrics.transition(pending.from(), pending.to());
      if (listeners.isEmpty()) {
        continue;
      }
      ActivityTransition transition = pending.toTransition(timeBase);
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
}
