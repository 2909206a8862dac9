package org.rfbactivity.activity;

import java.util.List;
import org.rfbactivity.activity.store.SessionActivityRow;
import org.rfbactivity.activity.store.ViewerKey;
import org.rfbactivity.activity.store.ViewerRow;

/**
 * What one tick writes for one session, with what the slot needs to know once it is committed.
 *
 * @param slot           the session
 * @param changeSeq      the slot's change counter when collected; committed changes up to here
 * @param activityNanos  the activity raised by {@code sessionRow}, or {@link SessionSlot#NONE}
 * @param coveredInputs  counted inputs since the previous raise that {@code sessionRow} covers (0 without a raise)
 * @param sessionRow     the {@code last_activity} raise, or {@code null} if it did not advance
 * @param viewerRows     upserts of the connected viewers
 * @param upserted       the viewers behind {@code viewerRows}
 * @param deletes        rows of closed viewers to delete
 * @param closedIncluded closed viewers settled by this write (with or without a row to delete)
 */
record SessionWrite(
    SessionSlot slot,
    int changeSeq,
    long activityNanos,
    long coveredInputs,
    SessionActivityRow sessionRow,
    List<ViewerRow> viewerRows,
    List<Viewer> upserted,
    List<ViewerKey> deletes,
    List<Viewer> closedIncluded) {

  /**
   * Inputs a write-per-input design would have written on their own, but this raise folds into one row: all
   * covered inputs but the one whose time is written.
   */
  long suppressedWrites() {
    return Math.max(0, coveredInputs - 1);
  }
}
