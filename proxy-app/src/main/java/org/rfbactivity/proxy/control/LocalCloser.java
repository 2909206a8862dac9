package org.rfbactivity.proxy.control;

import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.ViewerConnection;
import org.rfbactivity.proxy.relay.ViewerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what this replica holds of a target with {@link CloseReason#ADMIN_DISCONNECT}
 * (docs/architecture.md#policy-closes), from a thread that may wait: never an event loop.
 */
final class LocalCloser {

  private static final Logger log = LoggerFactory.getLogger(LocalCloser.class);

  /**
   * How long one disconnect waits for the viewers' event loops to run their closes: a close is queued work of
   * microseconds, so only a stopping proxy (whose loops are going away) comes near it.
   */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private final ViewerRegistry registry;

  LocalCloser(ViewerRegistry registry) {
    this.registry = registry;
  }

  /**
   * Closes the target's connections that {@code eligible} accepts and returns the ids of those this call closed
   * (a connection that closed by itself meanwhile is not one), sorted.
   */
  List<String> close(DisconnectTarget target, Predicate<String> eligible, String detail) throws InterruptedException {
    List<ViewerConnection> held = target.heldIn(registry);
    List<ViewerConnection> asked = new ArrayList<>(held.size());
    List<Future<Boolean>> closes = new ArrayList<>(held.size());
    for (ViewerConnection viewer : held) {
      if (eligible.test(viewer.id())) {
        asked.add(viewer);
        closes.add(viewer.closeFor(CloseReason.ADMIN_DISCONNECT, detail));
      }
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    List<String> closed = new ArrayList<>(asked.size());
    for (int i = 0; i < asked.size(); i++) {
      Future<Boolean> f = closes.get(i);
      long left = Math.max(0, deadline - System.nanoTime());
      if (!f.await(left, TimeUnit.NANOSECONDS)) {
        log.warn("admin disconnect of {}: viewer {} not closed within {} ms", target, asked.get(i).id(),
            CLOSE_WAIT.toMillis());
      } else if (f.isSuccess() && Boolean.TRUE.equals(f.getNow())) {
        closed.add(asked.get(i).id());
      }
    }
    closed.sort(null);
    return closed;
  }
}
