package org.rfbactivity.activity;

/** A close a policy decided during a tick, for the flusher to hand to the {@link ViewerCloser} outside any lock. */
record PolicyClose(Viewer viewer, PolicyReason reason) {
}
