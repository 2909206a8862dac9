package org.rfbactivity.activity.store;

import java.util.List;

/**
 * Everything one flush tick writes, in one transaction.
 *
 * @param sessions            {@code last_activity} raises, one per session at most
 * @param viewers             viewer rows to insert or replace (changes and heartbeats)
 * @param closedViewers       viewer rows to delete
 * @param purgeExpiredViewers also delete viewer rows whose heartbeat expired (left by crashed replicas); set at
 *                            most once per persistInterval
 */
public record StoreBatch(
    List<SessionActivityRow> sessions,
    List<ViewerRow> viewers,
    List<ViewerKey> closedViewers,
    boolean purgeExpiredViewers) {

  public StoreBatch {
    sessions = List.copyOf(sessions);
    viewers = List.copyOf(viewers);
    closedViewers = List.copyOf(closedViewers);
  }

  /** Whether there is nothing to write. */
  public boolean isEmpty() {
    return sessions.isEmpty() && viewers.isEmpty() && closedViewers.isEmpty() && !purgeExpiredViewers;
  }
}
