package org.rfbactivity.proxy.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The answer of a {@code DELETE}: what was closed, by which replica, and which replicas answered
 * (proxy-app/README.md, "Admin HTTP").
 *
 * @param sessionId the session asked for, or null when a viewer was
 * @param viewerId the viewer asked for, or null when a session was
 * @param commandId the control command sent to the other replicas, or null when none was needed
 * @param closed every viewer closed, by replica then id
 * @param replicas every replica that held the target: this one when it closed something, those whose fresh viewer
 *     rows showed the target, and any other that closed something before the answer; by replica id
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"sessionId", "viewerId", "commandId", "closed", "replicas"})
public record DisconnectAnswer(String sessionId, String viewerId, Long commandId, List<Closed> closed,
    List<Replica> replicas) {

  /** One viewer closed, and the replica that held it. */
  @JsonPropertyOrder({"viewerId", "replica"})
  public record Closed(String viewerId, String replica) {}

  /**
   * One replica's part.
   *
   * @param acknowledged whether it answered within the wait (this replica always has)
   * @param closed how many viewers it closed; absent when it did not answer
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"replica", "acknowledged", "closed"})
  public record Replica(String replica, boolean acknowledged, Integer closed) {}
}
