package org.rfbactivity.activity.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * @param othersInput for the batch's sessions that other writers (replicas) hold viewers of, the newest counted
 *                    input of those viewers as their fresh rows say; empty for a store that shares no state. The
 *                    tracker's idle policy counts it (docs/architecture.md#policies)
 */
public record WriteResult(int sessionRows, int viewerRows, List<RejectedRow> rejected, List<ActivityEvent> events,
    Map<String, Instant> othersInput) {

  /**
   * Copies the lists and the map.
   *
   * @param sessionRows session rows sent and accepted (a row that did not raise {@code last_activity} still counts)
   * @param viewerRows viewer upserts and deletes accepted
   * @param rejected rows the database refused (SQLSTATE class 22 or 23); they were isolated and dropped, the rest of
   *     the batch committed
   * @param events the events this write committed, in order: for a store that shares no state, the batch's own events;
   *     for a shared one, its viewer events with the batch's state changes replaced by the shared state's ({@link
   *     JdbcActivityStore}: the cluster's, docs/architecture.md#events)
   * @param othersInput for the batch's sessions that other writers (replicas) hold viewers of, the newest counted input
   *     of those viewers as their fresh rows say; empty for a store that shares no state. The tracker's idle policy
   *     counts it (docs/architecture.md#policies)
   */
  public WriteResult {
    rejected = List.copyOf(rejected);
    events = List.copyOf(events);
    othersInput = Map.copyOf(othersInput);
  }

  /**
   * A result of a store that shares no state.
   *
   * @param sessionRows session rows sent and accepted (a row that did not raise {@code last_activity} still counts)
   * @param viewerRows viewer upserts and deletes accepted
   * @param rejected rows the database refused (SQLSTATE class 22 or 23); they were isolated and dropped, the rest of
   *     the batch committed
   * @param events the events this write committed, in order: for a store that shares no state, the batch's own events;
   *     for a shared one, its viewer events with the batch's state changes replaced by the shared state's ({@link
   *     JdbcActivityStore}: the cluster's, docs/architecture.md#events)
   */
  public WriteResult(int sessionRows, int viewerRows, List<RejectedRow> rejected, List<ActivityEvent> events) {
    this(sessionRows, viewerRows, rejected, events, Map.of());
  }

  /**
   * A result without events.
   *
   * @param sessionRows session rows sent and accepted (a row that did not raise {@code last_activity} still counts)
   * @param viewerRows viewer upserts and deletes accepted
   * @param rejected rows the database refused (SQLSTATE class 22 or 23); they were isolated and dropped, the rest of
   *     the batch committed
   */
  public WriteResult(int sessionRows, int viewerRows, List<RejectedRow> rejected) {
    this(sessionRows, viewerRows, rejected, List.of());
  }

  /**
   * {@return a result that says everything in the batch was accepted, its events as they are}
   *
   * @param batch the batch written
   */
  public static WriteResult accepted(StoreBatch batch) {
    return new WriteResult(batch.sessions().size(), batch.viewers().size() + batch.closedViewers().size(),
        List.of(), batch.events());
  }
}
