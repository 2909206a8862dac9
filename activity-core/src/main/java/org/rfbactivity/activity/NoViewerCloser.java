package org.rfbactivity.activity;

/** Closes nothing; an enum singleton (docs/style.md#no-op-objects-when-a-feature-is-off). */
enum NoViewerCloser implements ViewerCloser {
  INSTANCE;

  @Override
  public void close(Viewer viewer, PolicyReason reason) {
    // No policy is on, or the embedder chose to act on the events alone.
  }
}
