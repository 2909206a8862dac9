package org.rfbactivity.activity;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One connected viewer at one moment.
 *
 * @param viewerId       the id given at open
 * @param state          this viewer's own state: {@link ActivityState#ACTIVE} while its own newest activity is within
 *                       the active window (or it is blind and the policy counts blind viewers as active)
 * @param inspectable    {@code false} once the stream could not be inspected (or if it was opened so)
 * @param blindReason    the reason given to {@code inspectionLost}, {@code null} while inspectable or if none given
 * @param connectedSince when it was opened (UTC)
 * @param lastActivity   its newest counted input, or its open if none yet (UTC)
 * @param lastInputKind  kind of its newest counted input, {@code null} if none yet
 * @param attributes     what the caller attached (remote address, protocol version, ...), sorted by key
 * @param inputCounts    its inputs by kind, every kind present
 */
public record ViewerSnapshot(
    String viewerId,
    ActivityState state,
    boolean inspectable,
    String blindReason,
    Instant connectedSince,
    Instant lastActivity,
    InputKind lastInputKind,
    Map<String, String> attributes,
    Map<InputKind, Long> inputCounts) {

  /**
   * Checks that the viewer, its state and its times are given; copies the attributes and input counts.
   *
   * @param viewerId the id given at open
   * @param state this viewer's own state: {@link ActivityState#ACTIVE} while its own newest activity is within the
   *     active window (or it is blind and the policy counts blind viewers as active)
   * @param inspectable {@code false} once the stream could not be inspected (or if it was opened so)
   * @param blindReason the reason given to {@code inspectionLost}, {@code null} while inspectable or if none given
   * @param connectedSince when it was opened (UTC)
   * @param lastActivity its newest counted input, or its open if none yet (UTC)
   * @param lastInputKind kind of its newest counted input, {@code null} if none yet
   * @param attributes what the caller attached (remote address, protocol version, ...), sorted by key
   * @param inputCounts its inputs by kind, every kind present
   */
  public ViewerSnapshot {
    Objects.requireNonNull(viewerId, "viewerId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(connectedSince, "connectedSince");
    Objects.requireNonNull(lastActivity, "lastActivity");
    attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
    inputCounts = copyCounts(inputCounts);
  }

  static Map<InputKind, Long> copyCounts(Map<InputKind, Long> counts) {
    EnumMap<InputKind, Long> copy = new EnumMap<>(InputKind.class);
    for (int i = 0; i < InputKind.COUNT; i++) {
      InputKind kind = InputKind.ofOrdinal(i);
      copy.put(kind, counts.getOrDefault(kind, 0L));
    }
    return Collections.unmodifiableMap(copy);
  }
}
