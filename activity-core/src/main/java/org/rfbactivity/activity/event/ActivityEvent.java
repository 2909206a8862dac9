package org.rfbactivity.activity.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;

/**
 * One event, the same for every sink (PostgreSQL {@code NOTIFY}, webhooks, server-sent events); its JSON is
 * {@link #toJson()} and its schema is documented in docs/architecture.md#events. Events carry kinds, times and ids,
 * never content: no keysym, clipboard text, token or address.
 *
 * @param id        unique event id ({@link EventIds}); a webhook's {@code webhook-id}, an SSE event's {@code id:}
 * @param type      what happened
 * @param at        when it happened (UTC)
 * @param replicaId the replica that emitted it
 * @param sessionId the session
 * @param from      state before ({@link EventType#SESSION_STATE_CHANGED} only, else null)
 * @param to        state after ({@link EventType#SESSION_STATE_CHANGED} only, else null)
 * @param fromSince when the session entered {@code from}, null if unknown (state events only)
 * @param viewerId  the viewer that opened or closed, or that caused the change; null if no viewer did
 * @param inputKind the input kind behind a state change, null if none
 * @param reason    a state change's cause ({@code INPUT}, {@code WINDOW_ELAPSED}, ...), a close reason
 *                  ({@code client_closed}, ...) or a policy's reason ({@code idle_timeout}, ...); null for
 *                  {@link EventType#VIEWER_OPENED} and the warnings. Cut to {@value #MAX_REASON_LENGTH} characters,
 *                  control characters replaced by {@code ?}
 * @param disconnectAt when a warned close comes (the two warnings only, else null)
 * @param limit     the policy's duration (the warnings and {@link EventType#VIEWER_DISCONNECTED_BY_POLICY} only, else
 *                  null)
 */
public record ActivityEvent(
    String id,
    EventType type,
    Instant at,
    String replicaId,
    String sessionId,
    ActivityState from,
    ActivityState to,
    Instant fromSince,
    String viewerId,
    InputKind inputKind,
    String reason,
    Instant disconnectAt,
    Duration limit) {

  /** The {@code schema} field of every event this version emits; raised only for incompatible changes. */
  public static final int SCHEMA_VERSION = 1;
  /** Longest reason kept. */
  public static final int MAX_REASON_LENGTH = 64;
  /**
   * Upper bound of {@link #toJson()}'s UTF-8 length: ids are at most 256 (session, viewer) and 128 (replica)
   * characters (the tracker refuses longer ones), the reason at most {@value #MAX_REASON_LENGTH}, the event id short;
   * a character takes at most 6 bytes (a control character escaped as {@code \u0000}), plus the fixed fields and
   * at most three timestamps and two numbers (a state change's; a policy event has fewer). Below PostgreSQL's
   * 8000-byte {@code NOTIFY} payload limit by construction.
   */
  public static final int MAX_JSON_BYTES = 6 * (256 + 256 + 128 + MAX_REASON_LENGTH + 48) + 512;

  /**
   * Checks that the id and the type are given, and bounds the reason.
   *
   * @param id unique event id ({@link EventIds}); a webhook's {@code webhook-id}, an SSE event's {@code id:}
   * @param type what happened
   * @param at when it happened (UTC)
   * @param replicaId the replica that emitted it
   * @param sessionId the session
   * @param from state before ({@link EventType#SESSION_STATE_CHANGED} only, else null)
   * @param to state after ({@link EventType#SESSION_STATE_CHANGED} only, else null)
   * @param fromSince when the session entered {@code from}, null if unknown (state events only)
   * @param viewerId the viewer that opened or closed, or that caused the change; null if no viewer did
   * @param inputKind the input kind behind a state change, null if none
   * @param reason a state change's cause ({@code INPUT}, {@code WINDOW_ELAPSED}, ...), a close reason ({@code
   *     client_closed}, ...) or a policy's reason ({@code idle_timeout}, ...); null for {@link EventType#VIEWER_OPENED}
   *     and the warnings. Cut to {@value #MAX_REASON_LENGTH} characters, control characters replaced by {@code ?}
   * @param disconnectAt when a warned close comes (the two warnings only, else null)
   * @param limit the policy's duration (the warnings and {@link EventType#VIEWER_DISCONNECTED_BY_POLICY} only, else
   *     null)
   */
  public ActivityEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(sessionId, "sessionId");
    if ((type == EventType.SESSION_STATE_CHANGED) != (from != null && to != null)) {
      throw new IllegalArgumentException(type + " events " + (from == null ? "need" : "cannot have")
          + " from and to");
    }
    if (type.wireName().startsWith("viewer.") && viewerId == null) {
      throw new IllegalArgumentException(type + " events need a viewerId");
    }
    boolean warning = type == EventType.SESSION_IDLE_WARNING || type == EventType.VIEWER_MAX_DURATION_WARNING;
    if (warning != (disconnectAt != null)) {
      throw new IllegalArgumentException(type + " events " + (warning ? "need" : "cannot have") + " disconnectAt");
    }
    if ((warning || type == EventType.VIEWER_DISCONNECTED_BY_POLICY) != (limit != null)) {
      throw new IllegalArgumentException(type + " events " + (limit == null ? "need" : "cannot have") + " a limit");
    }
    reason = BoundedText.of(reason, MAX_REASON_LENGTH);
  }

  /**
   * {@return a {@code session.state_changed} event}
   *
   * @param id unique event id ({@link EventIds})
   * @param at when it happened (UTC)
   * @param replicaId the replica that emits it
   * @param sessionId the session
   * @param from the state before
   * @param to the state after
   * @param fromSince when the session entered {@code from}, or null if unknown
   * @param causeViewerId the viewer that caused the change, or null
   * @param causeInputKind the input kind behind it, or null
   * @param causeReason the cause ({@code INPUT}, {@code WINDOW_ELAPSED}, ...)
   */
  public static ActivityEvent stateChanged(String id, Instant at, String replicaId, String sessionId,
      ActivityState from, ActivityState to, Instant fromSince, String causeViewerId, InputKind causeInputKind,
      String causeReason) {
    return new ActivityEvent(id, EventType.SESSION_STATE_CHANGED, at, replicaId, sessionId, from, to, fromSince,
        causeViewerId, causeInputKind, causeReason, null, null);
  }

  /**
   * {@return a {@code viewer.opened} event: a viewer connected}
   *
   * @param id unique event id ({@link EventIds}); a webhook's {@code webhook-id}, an SSE event's {@code id:}
   * @param at when it happened (UTC)
   * @param replicaId the replica that emitted it
   * @param sessionId the session
   * @param viewerId the viewer that opened or closed, or that caused the change; null if no viewer did
   */
  public static ActivityEvent viewerOpened(String id, Instant at, String replicaId, String sessionId,
      String viewerId) {
    return new ActivityEvent(id, EventType.VIEWER_OPENED, at, replicaId, sessionId, null, null, null, viewerId,
        null, null, null, null);
  }

  /**
   * {@return a {@code viewer.closed} event: a viewer's connection ended}
   *
   * @param id unique event id ({@link EventIds}); a webhook's {@code webhook-id}, an SSE event's {@code id:}
   * @param at when it happened (UTC)
   * @param replicaId the replica that emitted it
   * @param sessionId the session
   * @param viewerId the viewer that opened or closed, or that caused the change; null if no viewer did
   * @param reason a state change's cause ({@code INPUT}, {@code WINDOW_ELAPSED}, ...), a close reason ({@code
   *     client_closed}, ...) or a policy's reason ({@code idle_timeout}, ...); null for {@link EventType#VIEWER_OPENED}
   *     and the warnings. Cut to {@value #MAX_REASON_LENGTH} characters, control characters replaced by {@code ?}
   */
  public static ActivityEvent viewerClosed(String id, Instant at, String replicaId, String sessionId,
      String viewerId, String reason) {
    return new ActivityEvent(id, EventType.VIEWER_CLOSED, at, replicaId, sessionId, null, null, null, viewerId,
        null, reason, null, null);
  }

  /**
   * {@return a {@code session.idle_warning} event: the session's idle disconnect ({@code limit} without counted
   * input) comes at {@code disconnectAt}}
   *
   * @param id unique event id ({@link EventIds}); a webhook's {@code webhook-id}, an SSE event's {@code id:}
   * @param at when it happened (UTC)
   * @param replicaId the replica that emitted it
   * @param sessionId the session
   * @param disconnectAt when a warned close comes (the two warnings only, else null)
   * @param limit the policy's duration (the warnings and {@link EventType#VIEWER_DISCONNECTED_BY_POLICY} only, else
   *     null)
   */
  public static ActivityEvent idleWarning(String id, Instant at, String replicaId, String sessionId,
      Instant disconnectAt, Duration limit) {
    return new ActivityEvent(id, EventType.SESSION_IDLE_WARNING, at, replicaId, sessionId, null, null, null, null,
        null, null, disconnectAt, limit);
  }

  /**
   * {@return a {@code viewer.max_duration_warning} event: the viewer's maximum duration ({@code limit}) ends at
   * {@code disconnectAt}}
   *
   * @param id unique event id ({@link EventIds}); a webhook's {@code webhook-id}, an SSE event's {@code id:}
   * @param at when it happened (UTC)
   * @param replicaId the replica that emitted it
   * @param sessionId the session
   * @param viewerId the viewer that opened or closed, or that caused the change; null if no viewer did
   * @param disconnectAt when a warned close comes (the two warnings only, else null)
   * @param limit the policy's duration (the warnings and {@link EventType#VIEWER_DISCONNECTED_BY_POLICY} only, else
   *     null)
   */
  public static ActivityEvent maxDurationWarning(String id, Instant at, String replicaId, String sessionId,
      String viewerId, Instant disconnectAt, Duration limit) {
    return new ActivityEvent(id, EventType.VIEWER_MAX_DURATION_WARNING, at, replicaId, sessionId, null, null, null,
        viewerId, null, null, disconnectAt, limit);
  }

  /**
   * {@return a {@code viewer.disconnected_by_policy} event: a policy ended the viewer; {@code reason} is its label
   * ({@code idle_timeout}, ...), {@code limit} its duration}
   *
   * @param id unique event id ({@link EventIds}); a webhook's {@code webhook-id}, an SSE event's {@code id:}
   * @param at when it happened (UTC)
   * @param replicaId the replica that emitted it
   * @param sessionId the session
   * @param viewerId the viewer that opened or closed, or that caused the change; null if no viewer did
   * @param reason a state change's cause ({@code INPUT}, {@code WINDOW_ELAPSED}, ...), a close reason ({@code
   *     client_closed}, ...) or a policy's reason ({@code idle_timeout}, ...); null for {@link EventType#VIEWER_OPENED}
   *     and the warnings. Cut to {@value #MAX_REASON_LENGTH} characters, control characters replaced by {@code ?}
   * @param limit the policy's duration (the warnings and {@link EventType#VIEWER_DISCONNECTED_BY_POLICY} only, else
   *     null)
   */
  public static ActivityEvent disconnectedByPolicy(String id, Instant at, String replicaId, String sessionId,
      String viewerId, String reason, Duration limit) {
    return new ActivityEvent(id, EventType.VIEWER_DISCONNECTED_BY_POLICY, at, replicaId, sessionId, null, null, null,
        viewerId, null, reason, null, limit);
  }

  /**
   * Whole seconds from {@code at} to {@code disconnectAt}, rounded down (a warning never promises more time than is
   * left); null for events that are no warning.
   *
   * @return the seconds left, or null
   */
  public Long secondsLeft() {
    if (disconnectAt == null) {
      return null;
    }
    long seconds = Duration.between(at, disconnectAt).getSeconds(); // floor, also for a negative difference
    return Math.max(0, seconds);
  }

  /** {@return how long the session was in {@code from}, or null when that is unknown or this is no state change} */
  public Duration timeInPreviousState() {
    if (fromSince == null) {
      return null;
    }
    Duration d = Duration.between(fromSince, at);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * The event as one line of JSON, fields in a fixed order, absent fields omitted. Example:
   * {@code {"schema":1,"id":"evt_…_7","type":"session.state_changed","at":"2026-12-03T10:00:00.250Z",
   * "replicaId":"proxy-1","sessionId":"desk-1","from":"CONNECTED_IDLE","to":"ACTIVE",
   * "fromSince":"2026-12-03T09:40:00Z","durationMs":1200250,"cause":{"viewerId":"c1","inputKind":"KEY_PRESS",
   * "reason":"INPUT"}}}.
   *
   * @return at most {@link #MAX_JSON_BYTES} bytes of UTF-8
   */
  public String toJson() {
    StringBuilder b = new StringBuilder(256);
    b.append("{\"schema\":").append(SCHEMA_VERSION);
    field(b, "id", id);
    field(b, "type", type.wireName());
    field(b, "at", at.toString());
    field(b, "replicaId", replicaId);
    field(b, "sessionId", sessionId);
    if (type == EventType.SESSION_STATE_CHANGED) {
      field(b, "from", from.name());
      field(b, "to", to.name());
      if (fromSince != null) {
        field(b, "fromSince", fromSince.toString());
        b.append(",\"durationMs\":").append(timeInPreviousState().toMillis());
      }
      b.append(",\"cause\":{");
      int mark = b.length();
      field(b, "viewerId", viewerId);
      field(b, "inputKind", inputKind == null ? null : inputKind.name());
      field(b, "reason", reason);
      if (b.length() > mark) {
        b.deleteCharAt(mark); // the comma before the first field
      }
      b.append('}');
    } else {
      field(b, "viewerId", viewerId);
      field(b, "reason", reason);
      if (disconnectAt != null) {
        field(b, "disconnectAt", disconnectAt.toString());
        b.append(",\"secondsLeft\":").append(secondsLeft());
      }
      if (limit != null) {
        b.append(",\"limitMs\":").append(limit.toMillis());
      }
    }
    return b.append('}').toString();
  }

  private static void field(StringBuilder b, String name, String value) {
    if (value == null) {
      return;
    }
    b.append(",\"").append(name).append("\":\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

}
