package org.rfbactivity.proxy.relay;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The viewers currently connected (accepted, not yet closed), so that shutdown can close each one on purpose. */
public final class ViewerRegistry {

  private final Set<ViewerConnection> viewers = ConcurrentHashMap.newKeySet();

  void add(ViewerConnection viewer) {
    viewers.add(viewer);
  }

  void remove(ViewerConnection viewer) {
    viewers.remove(viewer);
  }

  public int size() {
    return viewers.size();
  }

  /**
   * Closes every viewer on its own event loop with reason {@link CloseReason#SHUTDOWN} (so each close is
   * recorded) and waits up to {@code timeout} for the closes to be done.
   *
   * @return true when every viewer closed in time
   */
  public boolean closeAll(Duration timeout) throws InterruptedException {
    Set<ViewerConnection> snapshot = Set.copyOf(viewers);
    CountDownLatch done = new CountDownLatch(snapshot.size());
    for (ViewerConnection viewer : snapshot) {
      viewer.frontend().eventLoop().execute(() -> {
        try {
          viewer.close(CloseReason.SHUTDOWN);
        } finally {
          done.countDown();
        }
      });
    }
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
