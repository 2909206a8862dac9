package org.rfbactivity.proxy.admin;

import java.util.List;
import java.util.Map;

/**
 * One session as {@code /api/sessions} shows it. Times are ISO-8601 UTC strings; {@code lastActivity} and
 * {@code lastInputKind} are null until the first counted input.
 *
 * @param state ACTIVE, CONNECTED_IDLE or DISCONNECTED
 * @param inputCounts inputs seen per kind (KEY_PRESS, POINTER_MOVE …), counted or not; this replica's only
 * @param source {@code replica} (this proxy's live view) or {@code database} (the cluster-wide
 *     {@code rfb_session_status}, for a session this replica does not hold)
 */
public record SessionJson(String sessionId, String state, String lastActivity, String lastInputKind,
    List<ViewerJson> viewers, Map<String, Long> inputCounts, String source) {

  public static final String SOURCE_REPLICA = "replica";
  public static final String SOURCE_DATABASE = "database";

  /**
   * One viewer connection of the session.
   *
   * @param state ACTIVE or CONNECTED_IDLE
   * @param inspectable false once the stream could not be read (encrypted or unframeable), see blindReason
   * @param protocolVersion e.g. 3.8, null until the handshake is known
   * @param securityType e.g. None, VncAuth, null until the handshake is known
   */
  public record ViewerJson(String id, String remoteAddress, String state, boolean inspectable, String blindReason,
      String protocolVersion, String securityType, String connectedSince, String frontend, String route) {}
}
