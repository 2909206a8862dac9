package org.rfbactivity.proxy.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The connections currently open (accepted, not yet closed), by id and, once routed, by session: so that shutdown can
 * close each one on purpose, and the admin API, session policies and revocation can find the viewers to end
 * ({@link ViewerConnection#closeFor}). Any thread may look up; connections add and remove themselves on their event
 * loops. Its size is bounded by {@code --max-connections}.
 */
public final class ViewerRegistry {

  private final Map<String, ViewerConnection> byId = new ConcurrentHashMap<>();
  private final Map<String, Set<ViewerConnection>> bySession = new ConcurrentHashMap<>();

  void add(ViewerConnection viewer) {
    byId.put(viewer.id(), viewer);
  }

  /** The viewer's route is known: it is found by its session from now on. */
  void routed(ViewerConnection viewer) {
    bySession.compute(sessionOf(viewer), (session, viewers) -> {
      Set<ViewerConnection> set = viewers == null ? ConcurrentHashMap.newKeySet() : viewers;
      set.add(viewer);
      return set;
    });
  }

  void remove(ViewerConnection viewer) {
    byId.remove(viewer.id(), viewer);
    if (viewer.description() != null) {
      // Removes the session's entry with its last viewer, in the same atomic step, so no empty sets pile up.
      bySession.computeIfPresent(sessionOf(viewer), (session, viewers) -> {
        viewers.remove(viewer);
        return viewers.isEmpty() ? null : viewers;
      });
    }
  }

  private static String sessionOf(ViewerConnection viewer) {
    return viewer.description().route().sessionId();
  }

  /** Connections open now, viewers or not yet. */
  public int size() {
    return byId.size();
  }

  /** The open connection with this id ({@link ViewerConnection#id()}, the tracker's viewer id), if any. */
  public Optional<ViewerConnection> byId(String viewerId) {
    return Optional.ofNullable(byId.get(viewerId));
  }

  /**
   * The open connections routed to this session, in no particular order: those that are viewers, and those still in
   * their RFB handshake (a connection becomes a viewer only when its handshake is done). Empty when there are none.
   */
  public List<ViewerConnection> bySession(String sessionId) {
    Set<ViewerConnection> viewers = bySession.get(sessionId);
    return viewers == null ? List.of() : List.copyOf(viewers);
  }

  /**
   * The open connections whose route is known, in no particular order: what the revocation check goes through
   * ({@link RouteRevoker}).
   */
  public List<ViewerConnection> routed() {
    List<ViewerConnection> routed = new ArrayList<>();
    for (ViewerConnection viewer : byId.values()) {
      if (viewer.description() != null) {
        routed.add(viewer);
      }
    }
    return routed;
  }

  /**
   * Closes every viewer on its own event loop with reason {@link CloseReason#SHUTDOWN} (so each close is
   * recorded) and waits up to {@code timeout} for the closes to be done.
   *
   * @return true when every viewer closed in time
   */
  public boolean closeAll(Duration timeout) throws InterruptedException {
    List<ViewerConnection> snapshot = List.copyOf(byId.values());
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
