package org.rfbactivity.activity;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many of the tracker's held sessions ({@link SessionSlot}s) are in each state, kept up to date where the state
 * changes rather than counted by a walk, so that a metrics scrape costs three reads whatever the number of sessions
 * (docs/architecture.md#sessions-per-state). A slot is counted from its creation (DISCONNECTED) until it is retired;
 * its changes in between all pass the one choke point ({@code SessionSlot#transition}), which moves its count.
 * Lock-free: slots of different sessions change state concurrently.
 */
final class SessionCounts {

  private static final ActivityState[] STATES = ActivityState.values();

  private final AtomicLongArray held = new AtomicLongArray(STATES.length);

  /** A slot was created: a session held again, DISCONNECTED until its open's transition. */
  void created() {
    held.incrementAndGet(ActivityState.DISCONNECTED.ordinal());
  }

  void moved(ActivityState from, ActivityState to) {
    held.decrementAndGet(from.ordinal());
    held.incrementAndGet(to.ordinal());
  }

  /** A slot in {@code state} was retired: it is no longer held (the tracker may still remember it, uncounted here). */
  void retired(ActivityState state) {
    held.decrementAndGet(state.ordinal());
  }

  long held(ActivityState state) {
    return held.get(state.ordinal());
  }
}
