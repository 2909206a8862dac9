package org.rfbactivity.activity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.rfbactivity.activity.ActivityState;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.event.ActivityEvent;
import org.rfbactivity.activity.event.EventIds;
import org.rfbactivity.activity.event.EventType;

/**
 * The end of every flush transaction, after the rows (docs/architecture.md#events): records the cluster's state of
 * each session the batch wrote in {@code rfb_session_activity} (and, at purge ticks, of every session not recorded
 * DISCONNECTED, so that a replica that died or an active window that ran out with nobody writing is caught within a
 * persistInterval), purges expired viewer rows, and {@code NOTIFY}s the committed events. All in the transaction, so a
 * listener never hears of a write that rolled back.
 *
 * <p>The batch's own state changes are this replica's view; they are not emitted, but used as the cause and time of
 * the cluster change they explain. Writers of one database are serialised by a transaction advisory lock taken at
 * the start of the transaction ({@link #LOCK}): each settles against every earlier commit, so the recorded state and
 * the notifications follow commit order, and no two writers can lock rows in opposite orders.
 */
final class Settlement {

  /** {@code pg_advisory_xact_lock} key of the writers' lock; "rfbact" and 2. */
  static final long LOCK_KEY = 0x7266_6261_6374_0002L;
  static final String LOCK = "SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")";

  /** Default {@code NOTIFY} channel. */
  static final String DEFAULT_CHANNEL = "rfb_activity";
  /** A channel is an SQL identifier; this keeps it one that needs no quoting and fits NAMEDATALEN. */
  static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private static final String SETTLE = """
      WITH t AS (
          SELECT * FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[],
                               ?::timestamptz[], ?::timestamptz[])
              AS t(session_id, hint_state, hint_at, hint_viewer_id, hint_input_kind, hint_reason, connect_at,
                   disconnect_at)
          UNION ALL
          SELECT session_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL
          FROM rfb_session_activity
          WHERE ?::boolean AND state <> 'DISCONNECTED' AND NOT (session_id = ANY (?::text[]))
      ), c AS (
          SELECT t.*, s.state AS old_state, s.state_since AS old_since, st.state AS new_state,
                 st.state_since AS est_since
          FROM t
          JOIN rfb_session_activity s ON s.session_id = t.session_id
          JOIN rfb_session_status st ON st.session_id = t.session_id
      )
      UPDATE rfb_session_activity s SET
          state = c.new_state,
          state_since = CASE
              WHEN c.new_state = c.old_state THEN s.state_since
              WHEN c.hint_state = c.new_state THEN LEAST(GREATEST(c.hint_at, c.old_since), now())
              ELSE COALESCE(c.est_since, now()) END,
          last_cause_viewer_id = CASE
              WHEN c.new_state = c.old_state THEN s.last_cause_viewer_id
              WHEN c.hint_state = c.new_state THEN c.hint_viewer_id END,
          last_cause_input_kind = CASE
              WHEN c.new_state = c.old_state THEN s.last_cause_input_kind
              WHEN c.hint_state = c.new_state THEN c.hint_input_kind END,
          last_cause_reason = CASE
              WHEN c.new_state = c.old_state THEN s.last_cause_reason
              WHEN c.hint_state = c.new_state THEN c.hint_reason
              WHEN c.new_state = 'CONNECTED_IDLE' THEN 'WINDOW_ELAPSED'
              WHEN c.new_state = 'DISCONNECTED' THEN 'VIEWER_EXPIRED'
              ELSE 'INPUT' END,
          last_connect_at = GREATEST(s.last_connect_at, c.connect_at),
          last_disconnect_at = GREATEST(s.last_disconnect_at, c.disconnect_at)
      FROM c
      WHERE s.session_id = c.session_id
        AND (c.new_state <> c.old_state
             OR c.connect_at > COALESCE(s.last_connect_at, '-infinity')
             OR c.disconnect_at > COALESCE(s.last_disconnect_at, '-infinity'))
      RETURNING s.session_id, c.old_state, c.old_since, s.state, s.state_since, s.last_cause_viewer_id,
                s.last_cause_input_kind, s.last_cause_reason, c.new_state <> c.old_state AS changed
      """;

  /** Viewer rows whose heartbeat expired (left by crashed replicas). */
  private static final String PURGE_EXPIRED = "DELETE FROM rfb_viewer WHERE expires_at < now()";

  private static final String NOTIFY = "SELECT count(pg_notify(?, p)) FROM unnest(?::text[]) AS p";

  private final String channel;
  private final EventIds ids = new EventIds();

  /** @param channel the {@code NOTIFY} channel, or null for none */
  Settlement(String channel) {
    this.channel = channel;
  }

  String channel() {
    return channel;
  }

  /** Hint of one session: this replica's newest state change in the batch, newest open and close. */
  private static final class Hint {
    ActivityEvent change;
    Instant connectAt;
    Instant disconnectAt;
  }

  /**
   * Settles, purges (if the batch asks) and notifies, on {@code c}'s open transaction.
   *
   * @param fallbackWriter replica id for events when the batch names none
   * @param refused        sessions with a row the database refused: not settled (an id it cannot store as text
   *                       would fail the settling too), their events still go out
   * @return the committed events, in time order: the batch's viewer events and the cluster's state changes
   */
  List<ActivityEvent> run(Connection c, StoreBatch batch, String fallbackWriter, Set<String> refused)
      throws SQLException {
    String writer = batch.writer() != null ? batch.writer() : fallbackWriter;
    Map<String, Hint> hints = touched(batch);
    hints.keySet().removeAll(refused);
    List<ActivityEvent> committed = new ArrayList<>();
    for (ActivityEvent event : batch.events()) {
      if (event.type() != EventType.SESSION_STATE_CHANGED) {
        committed.add(event);
      }
    }
    if (!hints.isEmpty() || batch.purgeExpiredViewers()) {
      committed.addAll(settle(c, hints, batch.purgeExpiredViewers(), writer));
    }
    if (batch.purgeExpiredViewers()) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate(PURGE_EXPIRED);
      }
    }
    committed.sort(Comparator.comparing(ActivityEvent::at)); // stable: one session's events keep their order
    if (channel != null && !committed.isEmpty()) {
      notify(c, committed);
    }
    return committed;
  }

  private static Map<String, Hint> touched(StoreBatch batch) {
    Map<String, Hint> hints = new TreeMap<>(); // sorted: one order for every writer
    for (SessionActivityRow row : batch.sessions()) {
      hints.computeIfAbsent(row.sessionId(), id -> new Hint());
    }
    for (ViewerRow row : batch.viewers()) {
      hints.computeIfAbsent(row.sessionId(), id -> new Hint());
    }
    for (ViewerKey key : batch.closedViewers()) {
      hints.computeIfAbsent(key.sessionId(), id -> new Hint());
    }
    for (ActivityEvent event : batch.events()) {
      Hint hint = hints.computeIfAbsent(event.sessionId(), id -> new Hint());
      switch (event.type()) {
        case SESSION_STATE_CHANGED -> hint.change = event;
        case VIEWER_OPENED -> hint.connectAt = later(hint.connectAt, event.at());
        case VIEWER_CLOSED -> hint.disconnectAt = later(hint.disconnectAt, event.at());
        default -> { } // policy events change no recorded state
      }
    }
    return hints;
  }

  private List<ActivityEvent> settle(Connection c, Map<String, Hint> hints, boolean reconcile, String writer)
      throws SQLException {
    int n = hints.size();
    String[] ids = new String[n];
    String[] states = new String[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[] viewers = new String[n];
    String[] kinds = new String[n];
    String[] reasons = new String[n];
    OffsetDateTime[] connects = new OffsetDateTime[n];
    OffsetDateTime[] disconnects = new OffsetDateTime[n];
    int i = 0;
    for (Map.Entry<String, Hint> e : hints.entrySet()) {
      Hint h = e.getValue();
      ids[i] = e.getKey();
      if (h.change != null) {
        states[i] = h.change.to().name();
        at[i] = BatchStatements.utc(h.change.at());
        viewers[i] = h.change.viewerId();
        kinds[i] = h.change.inputKind() == null ? null : h.change.inputKind().name();
        reasons[i] = h.change.reason();
      }
      connects[i] = BatchStatements.utc(h.connectAt);
      disconnects[i] = BatchStatements.utc(h.disconnectAt);
      i++;
    }
    List<ActivityEvent> changes = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SETTLE)) {
      ps.setArray(1, c.createArrayOf("text", ids));
      ps.setArray(2, c.createArrayOf("text", states));
      ps.setArray(3, c.createArrayOf("timestamptz", at));
      ps.setArray(4, c.createArrayOf("text", viewers));
      ps.setArray(5, c.createArrayOf("text", kinds));
      ps.setArray(6, c.createArrayOf("text", reasons));
      ps.setArray(7, c.createArrayOf("timestamptz", connects));
      ps.setArray(8, c.createArrayOf("timestamptz", disconnects));
      ps.setBoolean(9, reconcile);
      ps.setArray(10, c.createArrayOf("text", ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!rs.getBoolean(9)) {
            continue; // only an open or close time was raised
          }
          changes.add(ActivityEvent.stateChanged(this.ids.next(), instant(rs, 5), writer, rs.getString(1),
              ActivityState.valueOf(rs.getString(2)), ActivityState.valueOf(rs.getString(4)), instant(rs, 3),
              rs.getString(6), inputKind(rs.getString(7)), rs.getString(8)));
        }
      }
    }
    return changes;
  }

  private void notify(Connection c, List<ActivityEvent> events) throws SQLException {
    String[] payloads = new String[events.size()];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = events.get(i).toJson();
    }
    try (PreparedStatement ps = c.prepareStatement(NOTIFY)) {
      ps.setString(1, channel);
      ps.setArray(2, c.createArrayOf("text", payloads));
      ps.executeQuery().close();
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static InputKind inputKind(String name) {
    if (name == null) {
      return null;
    }
    try {
      return InputKind.valueOf(name);
    } catch (IllegalArgumentException e) {
      return null; // written by a newer release: the event says no kind rather than failing the flush
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
