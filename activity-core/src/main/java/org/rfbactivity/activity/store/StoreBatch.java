package org.rfbactivity.activity.store;

import java.util.List;
import java.util.Set;
import org.rfbactivity.activity.event.ActivityEvent;

/**
 * Everything one flush tick writes, in one transaction.
 *
 * @param sessions            {@code last_activity} raises, one per session at most
 * @param viewers             viewer rows to insert or replace (changes and heartbeats)
 * @param closedViewers       viewer rows to delete
 * @param purgeExpiredViewers also delete viewer rows whose heartbeat expired (left by crashed replicas); set at
 *                            most once per persistInterval
 * @param events              this replica's events since the last commit, in order: viewer opens and closes, and its
 *                            own state changes (which a shared store may replace by the shared state's, see
 *                            {@link WriteResult#events()})
 * @param writer              the writing replica's id, or null if not given; the replica id of events the store makes
 * @param othersInputFor      the batch's sessions whose idle policy counts other replicas' input: a shared store
 *                            reports their viewers' newest counted input ({@link WriteResult#othersInput()}); empty
 *                            when no session has an idle policy, so nothing is read for it
 */
public record StoreBatch(
    List<SessionActivityRow> sessions,
    List<ViewerRow> viewers,
    List<ViewerKey> closedViewers,
    boolean purgeExpiredViewers,
    List<ActivityEvent> events,
    String writer,
    Set<String> othersInputFor) {

  /**
   * Copies the lists and the set.
   *
   * @param sessions {@code last_activity} raises, one per session at most
   * @param viewers viewer rows to insert or replace (changes and heartbeats)
   * @param closedViewers viewer rows to delete
   * @param purgeExpiredViewers also delete viewer rows whose heartbeat expired (left by crashed replicas); set at most
   *     once per persistInterval
   * @param events this replica's events since the last commit, in order: viewer opens and closes, and its own state
   *     changes (which a shared store may replace by the shared state's, see {@link WriteResult#events()})
   * @param writer the writing replica's id, or null if not given; the replica id of events the store makes
   * @param othersInputFor the batch's sessions whose idle policy counts other replicas' input: a shared store reports
   *     their viewers' newest counted input ({@link WriteResult#othersInput()}); empty when no session has an idle
   *     policy, so nothing is read for it
   */
  public StoreBatch {
    sessions = List.copyOf(sessions);
    viewers = List.copyOf(viewers);
    closedViewers = List.copyOf(closedViewers);
    events = List.copyOf(events);
    othersInputFor = Set.copyOf(othersInputFor);
  }

  /**
   * A batch that asks for no other replica's input.
   *
   * @param sessions {@code last_activity} raises, one per session at most
   * @param viewers viewer rows to insert or replace (changes and heartbeats)
   * @param closedViewers viewer rows to delete
   * @param purgeExpiredViewers also delete viewer rows whose heartbeat expired (left by crashed replicas); set at most
   *     once per persistInterval
   * @param events this replica's events since the last commit, in order: viewer opens and closes, and its own state
   *     changes (which a shared store may replace by the shared state's, see {@link WriteResult#events()})
   * @param writer the writing replica's id, or null if not given; the replica id of events the store makes
   */
  public StoreBatch(List<SessionActivityRow> sessions, List<ViewerRow> viewers, List<ViewerKey> closedViewers,
      boolean purgeExpiredViewers, List<ActivityEvent> events, String writer) {
    this(sessions, viewers, closedViewers, purgeExpiredViewers, events, writer, Set.of());
  }

  /**
   * A batch without events.
   *
   * @param sessions {@code last_activity} raises, one per session at most
   * @param viewers viewer rows to insert or replace (changes and heartbeats)
   * @param closedViewers viewer rows to delete
   * @param purgeExpiredViewers also delete viewer rows whose heartbeat expired (left by crashed replicas); set at most
   *     once per persistInterval
   */
  public StoreBatch(List<SessionActivityRow> sessions, List<ViewerRow> viewers, List<ViewerKey> closedViewers,
      boolean purgeExpiredViewers) {
    this(sessions, viewers, closedViewers, purgeExpiredViewers, List.of(), null);
  }

  /** {@return whether there is nothing to write} */
  public boolean isEmpty() {
    return sessions.isEmpty() && viewers.isEmpty() && closedViewers.isEmpty() && !purgeExpiredViewers
        && events.isEmpty();
  }
}
