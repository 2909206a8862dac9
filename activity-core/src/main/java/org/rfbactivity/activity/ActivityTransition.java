package org.rfbactivity.activity;

import java.time.Instant;
import java.util.Objects;

/**
 * One change of a session's state, as delivered to {@link ActivityListener}s: so "why is this session active?"
 * always has an answer.
 *
 * @param sessionId      the session
 * @param from           the state before
 * @param to             the state after (never equal to {@code from})
 * @param at             when the change happened (UTC). For {@link TransitionReason#INPUT} this is the time of the
 *                       first input after the idle period; for {@link TransitionReason#WINDOW_ELAPSED} the newest
 *                       activity plus the active window; otherwise the time of the open, close or inspection loss.
 *                       The event itself may be delivered up to one flush tick later.
 * @param causeViewerId  the viewer whose open, input, close, inspection loss or elapsed activity caused it
 * @param causeInputKind the input kind behind it: the first input for {@code INPUT}, the newest input whose window
 *                       elapsed for {@code WINDOW_ELAPSED}; {@code null} when no input was involved (open, close,
 *                       inspection loss, or an elapsed window whose newest activity was an open)
 * @param reason         what kind of event caused it
 */
public record ActivityTransition(
    String sessionId,
    ActivityState from,
    ActivityState to,
    Instant at,
    String causeViewerId,
    InputKind causeInputKind,
    TransitionReason reason) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException for a null session, state, time or reason
   * @throws IllegalArgumentException when {@code from} equals {@code to}
   * @param sessionId the session
   * @param from the state before
   * @param to the state after (never equal to {@code from})
   * @param at when the change happened (UTC). For {@link TransitionReason#INPUT} this is the time of the first input
   *     after the idle period; for {@link TransitionReason#WINDOW_ELAPSED} the newest activity plus the active window;
   *     otherwise the time of the open, close or inspection loss. The event itself may be delivered up to one flush
   *     tick later.
   * @param causeViewerId the viewer whose open, input, close, inspection loss or elapsed activity caused it
   * @param causeInputKind the input kind behind it: the first input for {@code INPUT}, the newest input whose window
   *     elapsed for {@code WINDOW_ELAPSED}; {@code null} when no input was involved (open, close, inspection loss, or
   *     an elapsed window whose newest activity was an open)
   * @param reason what kind of event caused it
   */
  public ActivityTransition {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(reason, "reason");
    if (from == to) {
      throw new IllegalArgumentException("a transition must change the state: " + from);
    }
  }
}
