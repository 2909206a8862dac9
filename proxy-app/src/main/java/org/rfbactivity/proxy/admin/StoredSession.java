package org.rfbactivity.proxy.admin;

import java.time.Instant;
import java.util.List;

/**
 * What the shared database says of one session: its row of {@code rfb_session_status} (every replica's flushed
 * rows) and the fresh viewer rows of the other replicas. Times are UTC instants, null where the column is.
 *
 * @param sessionActive the session's own {@code active_until} is still ahead by the database's clock: input of a
 *     viewer that has closed since, on any replica
 * @param elsewhere fresh {@code rfb_viewer} rows owned by replicas other than this one, ordered by replica and viewer
 */
record StoredSession(String sessionId, String state, Instant lastActivity, String lastInputKind, Instant stateSince,
    Instant lastConnectAt, Instant lastDisconnectAt, Instant activeUntil, SessionJson.CauseJson cause,
    boolean sessionActive, List<StoredViewer> elsewhere) {

  StoredSession {
    elsewhere = List.copyOf(elsewhere);
  }

  /**
   * A viewer another replica holds, as its last heartbeat wrote it.
   *
   * @param state the viewer's own state as last written (ACTIVE or CONNECTED_IDLE)
   * @param active the replica's {@code active_until} for the session is still ahead by the database's clock
   */
  record StoredViewer(String replicaId, String viewerId, String state, boolean inspectable, String blindReason,
      Instant connectedAt, Instant activeUntil, boolean active) {}
}
