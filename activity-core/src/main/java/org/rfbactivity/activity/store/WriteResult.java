package org.rfbactivity.activity.store;

import java.util.List;
import org.rfbactivity.activity.event.ActivityEvent;

/**
 * What a committed {@link ActivityStore#write} stored.
 *
 * @param sessionRows session rows sent and accepted (a row that did not raise {@code last_activity} still counts)
 * @param viewerRows  viewer upserts and deletes accepted
 * @param rejected    rows the database refused (SQLSTATE class 22 or 23); they were isolated and dropped, the rest
 *                    of the batch committed
 * @param events      the events this write committed, in order: for a store that shares no state, the batch's own
 *                    events; for a shared one, its viewer events with the batch's state changes replaced by the
 *                    shared state's ({@link JdbcActivityStore}: the cluster's, docs/architecture.md#events)
 */
public record WriteResult(int sessionRows, int viewerRows, List<RejectedRow> rejected, List<ActivityEvent> events) {

  public WriteResult {
    rejected = List.copyOf(rejected);
    events = List.copyOf(events);
  }

  /** A result without events. */
  public WriteResult(int sessionRows, int viewerRows, List<RejectedRow> rejected) {
    this(sessionRows, viewerRows, rejected, List.of());
  }

  /** Everything in the batch was accepted, its events as they are. */
  public static WriteResult accepted(StoreBatch batch) {
    return new WriteResult(batch.sessions().size(), batch.viewers().size() + batch.closedViewers().size(),
        List.of(), batch.events());
  }
}
