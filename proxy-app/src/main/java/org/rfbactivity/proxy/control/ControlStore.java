package org.rfbactivity.proxy.control;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The control channel's statements on {@code rfb_control_command} and {@code rfb_control_ack} (schema version 3,
 * activity-core's {@code V3__control.sql}): a command and an acknowledgement are each stored and {@code NOTIFY}ed in
 * one transaction, so a listener never hears of a row it cannot read (docs/architecture.md#control-channel).
 */
final class ControlStore {

  /** Payload prefixes on the control channel: a command's id, or the id of the command an ack is for. */
  static final char COMMAND = 'c';
  static final char ACK = 'a';

  private final String channel;

  ControlStore(String channel) {
    this.channel = channel;
  }

  /** The replicas other than {@code self} whose fresh viewer rows hold the target, sorted. */
  Set<String> holders(Connection c, DisconnectTarget target, String self) throws SQLException {
    String column = target.sessionId() != null ? "session_id" : "viewer_id";
    try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT replica_id FROM rfb_viewer WHERE " + column
        + " = ? AND replica_id <> ? AND expires_at > now()")) {
      s.setString(1, target.sessionId() != null ? target.sessionId() : target.viewerId());
      s.setString(2, self);
      Set<String> replicas = new TreeSet<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          replicas.add(rs.getString(1));
        }
      }
      return replicas;
    }
  }

  /** Stores the command and notifies it, in one transaction; returns its id. */
  long issue(Connection c, DisconnectTarget target, String issuer, String reason) throws SQLException {
    return inTransaction(c, () -> {
      long id;
      try (PreparedStatement s = c.prepareStatement("INSERT INTO rfb_control_command "
          + "(issued_by, session_id, viewer_id, reason) VALUES (?, ?, ?, ?) RETURNING id")) {
        s.setString(1, issuer);
        s.setString(2, target.sessionId());
        s.setString(3, target.viewerId());
        s.setString(4, reason);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
      }
      notify(c, COMMAND, id);
      return id;
    });
  }

  /** The command, unless {@code self} has acknowledged it (or it is gone). */
  Optional<ControlCommand> unacknowledgedCommand(Connection c, long id, String self) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SELECT_COMMAND + " c WHERE id = ? AND NOT EXISTS (SELECT 1 FROM "
        + "rfb_control_ack a WHERE a.command_id = c.id AND a.replica_id = ?)")) {
      s.setLong(1, id);
      s.setString(2, self);
      List<ControlCommand> found = commands(s);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /** Commands of other replicas issued within {@code window} that {@code self} has not acknowledged, oldest first. */
  List<ControlCommand> unacknowledged(Connection c, String self, Duration window) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SELECT_COMMAND + " c WHERE issued_at > now() - ? * interval "
        + "'1 millisecond' AND issued_by <> ? AND NOT EXISTS (SELECT 1 FROM rfb_control_ack a "
        + "WHERE a.command_id = c.id AND a.replica_id = ?) ORDER BY id")) {
      s.setLong(1, window.toMillis());
      s.setString(2, self);
      s.setString(3, self);
      return commands(s);
    }
  }

  private static final String SELECT_COMMAND =
      "SELECT id, issued_at, issued_by, session_id, viewer_id, reason FROM rfb_control_command";

  private static List<ControlCommand> commands(PreparedStatement s) throws SQLException {
    List<ControlCommand> commands = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        commands.add(new ControlCommand(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
            new DisconnectTarget(rs.getString(4), rs.getString(5)), rs.getString(6)));
      }
    }
    return commands;
  }

  /**
   * Stores this replica's acknowledgement and notifies it, in one transaction. One already stored (a catch-up racing
   * a late notification) stays as it was.
   */
  void acknowledge(Connection c, long commandId, String self, List<String> closed) throws SQLException {
    inTransaction(c, () -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO rfb_control_ack (command_id, replica_id, closed, "
          + "viewer_ids) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        Array ids = c.createArrayOf("text", closed.toArray());
        s.setLong(1, commandId);
        s.setString(2, self);
        s.setInt(3, closed.size());
        s.setArray(4, ids);
        s.executeUpdate();
      }
      notify(c, ACK, commandId);
      return null;
    });
  }

  /** The acknowledgements of a command so far, by replica. */
  List<ControlAck> acks(Connection c, long commandId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT replica_id, viewer_ids FROM rfb_control_ack WHERE command_id = ? ORDER BY replica_id")) {
      s.setLong(1, commandId);
      List<ControlAck> acks = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String[] ids = (String[]) rs.getArray(2).getArray();
          Arrays.sort(ids);
          acks.add(new ControlAck(rs.getString(1), List.of(ids)));
        }
      }
      return acks;
    }
  }

  /** Deletes the commands (and with them their acknowledgements) older than {@code retention}. */
  int purge(Connection c, Duration retention) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "DELETE FROM rfb_control_command WHERE issued_at < now() - ? * interval '1 millisecond'")) {
      s.setLong(1, retention.toMillis());
      return s.executeUpdate();
    }
  }

  private void notify(Connection c, char kind, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, channel);
      s.setString(2, kind + Long.toString(id));
      s.execute();
    }
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      T result = work.run();
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }
}
