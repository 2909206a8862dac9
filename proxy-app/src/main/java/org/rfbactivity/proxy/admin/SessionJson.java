package org.rfbactivity.proxy.admin;

import java.util.List;
import java.util.Map;

/**
 * One session as {@code /api/sessions} shows it. Times are ISO-8601 UTC strings; {@code lastActivity} and
 * {@code lastInputKind} are null until the first counted input.
 *
 * @param state ACTIVE, CONNECTED_IDLE or DISCONNECTED
 * @param inputCounts inputs seen per kind (KEY_PRESS, POINTER_MOVE …), counted or not; this replica's only
 * @param source what the answer was made from (docs/architecture.md#cluster-view): {@code replica} (this proxy's
 *     live view alone: no database, or the database could not be read), {@code database} (the shared database alone:
 *     a session this replica does not know) or {@code replica+database} (this replica's live view merged with the
 *     other replicas' fresh rows)
 * @param stateSince when the session entered {@code state} (docs/architecture.md#time-in-state)
 * @param lastConnectAt when a viewer last opened, null if none has (that this replica or the database knows of)
 * @param lastDisconnectAt when a viewer last closed, null if none has
 * @param activeUntil while ACTIVE, when it turns idle if no more input comes; else null
 * @param lastCause what caused the change into {@code state}; null if nothing has
 * @param lastCloseReason why this replica's newest viewer close happened: the close label ({@code client_closed},
 *     {@code idle_timeout}, {@code admin_disconnect} …, docs/architecture.md#policy-closes); null if none closed here
 */
public record SessionJson(String sessionId, String state, String lastActivity, String lastInputKind,
    List<ViewerJson> viewers, Map<String, Long> inputCounts, String source, String stateSince, String lastConnectAt,
    String lastDisconnectAt, String activeUntil, CauseJson lastCause, String lastCloseReason) {

  /**
   * The cause of a transition.
   *
   * @param viewerId the viewer that opened, sent input, closed, or whose activity ran out; null if none is known
   * @param inputKind the input behind it, or null
   * @param reason VIEWER_OPENED, INPUT, WINDOW_ELAPSED, VIEWER_CLOSED, or (from the database) VIEWER_EXPIRED
   */
  public record CauseJson(String viewerId, String inputKind, String reason) {}

  public static final String SOURCE_REPLICA = "replica";
  public static final String SOURCE_DATABASE = "database";
  public static final String SOURCE_CLUSTER = "replica+database";

  /**
   * One viewer connection of the session.
   *
   * @param state ACTIVE or CONNECTED_IDLE
   * @param inspectable false once the stream could not be read (encrypted or unframeable), see blindReason
   * @param protocolVersion e.g. 3.8, null until the handshake is known
   * @param securityType e.g. None, VncAuth, null until the handshake is known
   * @param replica the id of the replica that holds the connection; address, versions, frontend, route, input
   *     permissions and dropped input are known only for this replica's own viewers (null for the others')
   * @param inputPermissions the input classes the viewer may send ({@code keys}, {@code pointer-motion} …, in that
   *     order; docs/architecture.md#input-permissions): every class for a full-rights viewer, none for a view-only one
   * @param droppedInput per class the viewer lacks, the messages the proxy removed so far (0 included); empty for a
   *     full-rights viewer, which has no filter
   */
  public record ViewerJson(String id, String remoteAddress, String state, boolean inspectable, String blindReason,
      String protocolVersion, String securityType, String connectedSince, String frontend, String route,
      String replica, List<String> inputPermissions, Map<String, Long> droppedInput) {}
}
