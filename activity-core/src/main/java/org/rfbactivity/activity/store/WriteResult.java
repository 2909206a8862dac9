package org.rfbactivity.activity.store;

import java.util.List;

/**
 * What a committed {@link ActivityStore#write} stored.
 *
 * @param sessionRows session rows sent and accepted (a row that did not raise {@code last_activity} still counts)
 * @param viewerRows  viewer upserts and deletes accepted
 * @param rejected    rows the database refused (SQLSTATE class 22 or 23); they were isolated and dropped, the rest
 *                    of the batch committed
 */
public record WriteResult(int sessionRows, int viewerRows, List<RejectedRow> rejected) {

  public WriteResult {
    rejected = List.copyOf(rejected);
  }

  /** Everything in the batch was accepted. */
  public static WriteResult accepted(StoreBatch batch) {
    return new WriteResult(batch.sessions().size(), batch.viewers().size() + batch.closedViewers().size(),
        List.of());
  }
}
