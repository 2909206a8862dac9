package org.rfbactivity.activity;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A session as this tracker (this proxy replica) sees it at one moment. The cluster-wide view is the database view
 * {@code rfb_session_status}.
 *
 * @param sessionId             the session
 * @param state                 its state; evaluated when the snapshot was taken
 * @param stateSince            when it entered that state (UTC)
 * @param lastActivity          newest activity (UTC): the newest counted input or open of any of its viewers,
 *                              including viewers that have closed since, and the latest evaluation while a blind
 *                              viewer counts as active. {@code null} only if the session never had activity
 * @param lastInputKind         kind of the newest counted input, {@code null} if there was none (only opens)
 * @param viewers               connected viewers, ordered by viewer id
 * @param inputCounts           inputs by kind (every kind present, zeros included), of connected and closed viewers
 * @param allViewersInspectable {@code false} while any connected viewer is blind: its activity is only the traffic it
 *                              sends, not input seen
 * @param lastConnectAt         when a viewer last opened, null if none has since this tracker started
 * @param lastDisconnectAt      when a viewer last closed, null if none has
 * @param activeUntil           while ACTIVE: when the session turns idle if no more input comes; otherwise null
 * @param lastCause             the cause of the transition into the current state; null if it has had none (a
 *                              session declared known that no viewer has opened)
 * @param lastCloseReason       why the newest viewer close happened, as the application reported it with
 *                              {@link ActivityTracker#viewerClosed(Viewer, String)} (the proxy: {@code client_closed},
 *                              {@code idle_timeout}, {@code admin_disconnect} …); null if none has closed or none was
 *                              given
 */
public record SessionSnapshot(
    String sessionId,
    ActivityState state,
    Instant stateSince,
    Instant lastActivity,
    InputKind lastInputKind,
    List<ViewerSnapshot> viewers,
    Map<InputKind, Long> inputCounts,
    boolean allViewersInspectable,
    Instant lastConnectAt,
    Instant lastDisconnectAt,
    Instant activeUntil,
    TransitionCause lastCause,
    String lastCloseReason) {

  /**
   * Checks that the session, its state and its time in state are given; copies the viewers and input counts.
   *
   * @param sessionId the session
   * @param state its state; evaluated when the snapshot was taken
   * @param stateSince when it entered that state (UTC)
   * @param lastActivity newest activity (UTC): the newest counted input or open of any of its viewers, including
   *     viewers that have closed since, and the latest evaluation while a blind viewer counts as active. {@code null}
   *     only if the session never had activity
   * @param lastInputKind kind of the newest counted input, {@code null} if there was none (only opens)
   * @param viewers connected viewers, ordered by viewer id
   * @param inputCounts inputs by kind (every kind present, zeros included), of connected and closed viewers
   * @param allViewersInspectable {@code false} while any connected viewer is blind: its activity is only the traffic it
   *     sends, not input seen
   * @param lastConnectAt when a viewer last opened, null if none has since this tracker started
   * @param lastDisconnectAt when a viewer last closed, null if none has
   * @param activeUntil while ACTIVE: when the session turns idle if no more input comes; otherwise null
   * @param lastCause the cause of the transition into the current state; null if it has had none (a session declared
   *     known that no viewer has opened)
   * @param lastCloseReason why the newest viewer close happened, as the application reported it with {@link
   *     ActivityTracker#viewerClosed(Viewer, String)} (the proxy: {@code client_closed}, {@code idle_timeout}, {@code
   *     admin_disconnect} …); null if none has closed or none was given
   */
  public SessionSnapshot {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(stateSince, "stateSince");
    viewers = List.copyOf(viewers);
    inputCounts = ViewerSnapshot.copyCounts(inputCounts);
  }

  /** Counted in snapshots as immutable, complete maps so JSON output has a stable shape. */
  static Map<InputKind, Long> countsOf(long[] counts) {
    EnumMap<InputKind, Long> map = new EnumMap<>(InputKind.class);
    for (int i = 0; i < InputKind.COUNT; i++) {
      map.put(InputKind.ofOrdinal(i), counts[i]);
    }
    return map;
  }
}
