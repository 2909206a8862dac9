package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.PostgresExtension;
import org.rfbactivity.activity.store.TestDatabase;

/**
 * The idle policy counts the session's input on every replica (docs/architecture.md#policies): a viewer idle on
 * replica r1 is not closed while a viewer of the same session types on r2, and is closed once the session as a whole
 * has been idle for the limit. Both trackers share one PostgreSQL and one fake clock, ticked by hand.
 */
@ExtendWith(PostgresExtension.class)
class ClusterIdleIT {

  private final List<ActivityTracker> trackers = new ArrayList<>();
  private final List<String> closes = new CopyOnWriteArrayList<>();
  /** The fake time of the tick under way, in ms since the origin. */
  private volatile long nowMs;

  @AfterEach
  void closeAll() {
    for (ActivityTracker t : trackers) {
      t.close();
    }
  }

  @Test
  void inputOnAnotherReplicaPostponesTheIdleDisconnect(TestDatabase db) {
    // Real time as the origin: viewer rows must be fresh by the database's now().
    FakeTime time = FakeTime.startingAt(Instant.now());
    ActivityTracker[] self = new ActivityTracker[1];
    ActivityTracker r1 = tracker(db, time, "r1", ViewerPolicy.builder().idleDisconnect(Duration.ofSeconds(10)).build(),
        (viewer, reason) -> {
          closes.add(viewer.viewerId() + " " + reason.label() + " @" + nowMs);
          self[0].viewerClosed(viewer, reason.label());
        });
    self[0] = r1;
    ActivityTracker r2 = tracker(db, time, "r2", ViewerPolicy.NONE, ViewerCloser.none());

    r1.viewerOpened("s", "idle-on-r1", Map.of(), true);
    Viewer typing = r2.viewerOpened("s", "typing-on-r2", Map.of(), true);
    tickBoth(time, r1, r2, 500);

    // r2's viewer types at 4 s; r2 writes its row at its next tick, r1 reads it with its next heartbeat.
    time.set(Duration.ofSeconds(4));
    r2.input(typing, InputKind.KEY_PRESS);
    for (long ms = 4500; ms <= 13500; ms += 500) {
      tickBoth(time, r1, r2, ms);
    }
    assertThat(closes).as("the session had input 4 s in: idle only since then").isEmpty();

    tickBoth(time, r1, r2, 14000);
    assertThat(closes).containsExactly("idle-on-r1 idle_timeout @14000");
  }

  @Test
  void withoutInputAnywhereTheIdleDisconnectComesOnTime(TestDatabase db) {
    FakeTime time = FakeTime.startingAt(Instant.now());
    ActivityTracker[] self = new ActivityTracker[1];
    ActivityTracker r1 = tracker(db, time, "r1", ViewerPolicy.builder().idleDisconnect(Duration.ofSeconds(10)).build(),
        (viewer, reason) -> {
          closes.add(viewer.viewerId() + " " + reason.label() + " @" + nowMs);
          self[0].viewerClosed(viewer, reason.label());
        });
    self[0] = r1;
    ActivityTracker r2 = tracker(db, time, "r2", ViewerPolicy.NONE, ViewerCloser.none());
    r1.viewerOpened("q", "idle-on-r1", Map.of(), true);
    r2.viewerOpened("q", "idle-on-r2", Map.of(), true);
    for (long ms = 500; ms <= 10000; ms += 500) {
      tickBoth(time, r1, r2, ms);
    }
    assertThat(closes).containsExactly("idle-on-r1 idle_timeout @10000");
  }

  private ActivityTracker tracker(TestDatabase db, FakeTime time, String replica, ViewerPolicy policy,
      ViewerCloser closer) {
    ActivityTracker t = new ActivityTracker(ActivityConfig.builder().ticker(time.ticker()).clock(time.clock())
        .activeWindow(Duration.ofSeconds(2)).persistInterval(Duration.ofSeconds(1)).replicaId(replica)
        .store(JdbcActivityStore.builder().dataSource(db.dataSource()).build()).policy(policy).viewerCloser(closer)
        .build());
    trackers.add(t);
    return t;
  }

  private void tickBoth(FakeTime time, ActivityTracker r1, ActivityTracker r2, long ms) {
    nowMs = ms;
    time.set(Duration.ofMillis(ms));
    r2.tick();
    r1.tick();
  }
}
