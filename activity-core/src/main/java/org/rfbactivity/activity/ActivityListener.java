package org.rfbactivity.activity;

/**
 * Receives every session state change.
 *
 * <p>Threading: called only from the tracker's flusher thread (or from the thread calling {@code close()}), never
 * from intake callers, in the order the transitions happened for each session. Intake never waits for listeners;
 * transitions are queued and delivered at the next flush tick. A listener that throws is logged and the next one
 * still runs. Listeners should be quick: a slow one delays the tick, and so the database writes.
 */
@FunctionalInterface
public interface ActivityListener {

  /**
   * One transition.
   *
   * @param transition see {@link ActivityTransition} for the meaning of each field
   */
  void onTransition(ActivityTransition transition);
}
