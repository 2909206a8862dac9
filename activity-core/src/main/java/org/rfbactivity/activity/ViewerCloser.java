package org.rfbactivity.activity;

/**
 * How the tracker tells the embedding application to close a viewer a policy ended (docs/architecture.md#policies).
 *
 * <p>Called on the tracker's flusher thread, never under a session's lock, at most once per viewer and reason. The
 * tracker does not assume the close happens during the call: the viewer counts until the application reports it with
 * {@link ActivityTracker#viewerClosed(Viewer, String)}. Implementations must be quick and must not block (hand the
 * close to the viewer's event loop); one that throws is logged and the other closes of the tick still happen.
 */
@FunctionalInterface
public interface ViewerCloser {

  /**
   * Close this viewer's connection for this reason.
   *
   * @param viewer the viewer to close
   * @param reason why; its {@link PolicyReason#label()} is the close reason to report
   */
  void close(Viewer viewer, PolicyReason reason);

  /** {@return the closer that closes nothing: the default, for a tracker without policies} */
  static ViewerCloser none() {
    return NoViewerCloser.INSTANCE;
  }
}
