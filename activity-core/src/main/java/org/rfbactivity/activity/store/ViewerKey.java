package org.rfbactivity.activity.store;

import java.util.Objects;

/** The primary key of an {@code rfb_viewer} row; in a {@link StoreBatch} it names a closed viewer to delete. */
public record ViewerKey(String sessionId, String replicaId, String viewerId) {

  public ViewerKey {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(replicaId, "replicaId");
    Objects.requireNonNull(viewerId, "viewerId");
  }
}
