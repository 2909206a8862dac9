package org.rfbactivity.activity.store;

import java.util.Objects;

/**
 * The primary key of an {@code rfb_viewer} row; in a {@link StoreBatch} it names a closed viewer to delete.
 *
 * @param sessionId the session
 * @param replicaId the replica that holds the viewer
 * @param viewerId the viewer
 */
public record ViewerKey(String sessionId, String replicaId, String viewerId) {

  /**
   * Checks that every part of the key is given.
   *
   * @param sessionId the session
   * @param replicaId the replica that holds the viewer
   * @param viewerId the viewer
   */
  public ViewerKey {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(viewerId, "viewerId");
  }
}
