package org.rfbactivity.activity;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedder's {@link ActivityMetrics} behind a catch: a metrics bug must cost a number, never a viewer handle
 * (an open whose metrics call threw would otherwise hand back a detached handle for a viewer that stays open) and
 * never a flush (a throw while delivering transitions would skip the tick's writes). Logged once.
 */
final class GuardedMetrics implements ActivityMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedMetrics.class);

  private final ActivityMetrics metrics;
  private final String owner;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  private GuardedMetrics(ActivityMetrics metrics, String owner) {
    this.metrics = metrics;
    this.owner = owner;
  }

  static ActivityMetrics of(ActivityMetrics metrics, String owner) {
    return metrics == ActivityMetrics.noop() ? metrics : new GuardedMetrics(metrics, owner);
  }

  @Override
  public void inputs(InputKind kind, long count) {
    try {
      metrics.inputs(kind, count);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void transition(ActivityState from, ActivityState to) {
    try {
      metrics.transition(from, to);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void rowsWritten(long sessionRows, long viewerRows) {
    try {
      metrics.rowsWritten(sessionRows, viewerRows);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void writesSuppressed(long count) {
    try {
      metrics.writesSuppressed(count);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void flushCompleted(long durationNanos, boolean storeWriteSucceeded) {
    try {
      metrics.flushCompleted(durationNanos, storeWriteSucceeded);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void storeError(String errorClass) {
    try {
      metrics.storeError(errorClass);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void blindViewer(String reason) {
    try {
      metrics.blindViewer(reason);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  private void failed(RuntimeException e) {
    if (failureLogged.compareAndSet(false, true)) {
      LOG.error("{} - metrics {} failed (logged once)", owner, metrics.getClass().getName(), e);
    }
  }

  @Override
  public String toString() {
    return "GuardedMetrics[" + metrics + "]";
  }
}
