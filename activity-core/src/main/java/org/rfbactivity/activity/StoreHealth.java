package org.rfbactivity.activity;

import java.time.Instant;

/**
 * How the tracker's writes to its {@link org.rfbactivity.activity.store.ActivityStore} are going, as of the last
 * flush tick.
 *
 * @param healthy             {@code true} unless the most recent write attempt failed
 * @param consecutiveFailures failed write attempts since the last success
 * @param lastErrorClass      SQLSTATE class (or {@code "unknown"}) of the most recent failure, {@code null} if none
 * @param lastSuccess         when a write last succeeded (UTC), {@code null} if never
 * @param lastFailure         when a write last failed (UTC), {@code null} if never
 * @param pendingSessions     sessions with changes not yet written (what an outage holds in memory: at most one set
 *                            of newest values per session, whatever the input volume)
 * @param rejectedRows        rows rejected by the database (SQLSTATE class 22 or 23) and dropped, since start
 */
public record StoreHealth(
    boolean healthy,
    int consecutiveFailures,
    String lastErrorClass,
    Instant lastSuccess,
    Instant lastFailure,
    int pendingSessions,
    long rejectedRows) {

  static final StoreHealth INITIAL = new StoreHealth(true, 0, null, null, null, 0, 0);
}
