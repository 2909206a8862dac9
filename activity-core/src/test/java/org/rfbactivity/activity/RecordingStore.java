package org.rfbactivity.activity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rfbactivity.activity.store.ActivityStore;
import org.rfbactivity.activity.store.SessionActivityRow;
import org.rfbactivity.activity.store.StoreBatch;
import org.rfbactivity.activity.store.StoreException;
import org.rfbactivity.activity.store.ViewerKey;
import org.rfbactivity.activity.store.ViewerRow;
import org.rfbactivity.activity.store.WriteResult;

/**
 * An in-memory {@link ActivityStore} that records every batch and applies it like the schema would (GREATEST for
 * last_activity, upsert and delete for viewers). It can be told to fail, to exercise the tracker's outage handling;
 * the JDBC behaviour itself is tested against a real PostgreSQL.
 */
final class RecordingStore implements ActivityStore {

  /** One committed batch, with the tracker's tick time. */
  record Write(long tickNanos, StoreBatch batch) {
  }

  private final FakeTime time;
  private final List<Write> writes = new ArrayList<>();
  private final Map<String, Instant> lastActivity = new HashMap<>();
  private final Map<ViewerKey, ViewerRow> viewers = new HashMap<>();
  private StoreException failure;
  private int attempts;

  RecordingStore(FakeTime time) {
    this.time = time;
  }

  @Override
  public synchronized WriteResult write(StoreBatch batch) throws StoreException {
    attempts++;
    if (failure != null) {
      throw failure;
    }
    writes.add(new Write(time == null ? 0 : time.nanos(), batch));
    for (SessionActivityRow row : batch.sessions()) {
      lastActivity.merge(row.sessionId(), row.lastActivity(), (a, b) -> a.isAfter(b) ? a : b);
    }
    for (ViewerRow row : batch.viewers()) {
      viewers.put(row.key(), row);
    }
    for (ViewerKey key : batch.closedViewers()) {
      viewers.remove(key);
    }
    return WriteResult.accepted(batch);
  }

  synchronized void failWith(StoreException failure) {
    this.failure = failure;
  }

  synchronized int attempts() {
    return attempts;
  }

  synchronized List<Write> writes() {
    return List.copyOf(writes);
  }

  synchronized Instant lastActivity(String sessionId) {
    return lastActivity.get(sessionId);
  }

  synchronized Map<ViewerKey, ViewerRow> viewers() {
    return Map.copyOf(viewers);
  }

  /** Every session row written, in order. */
  synchronized List<SessionActivityRow> sessionRows() {
    List<SessionActivityRow> rows = new ArrayList<>();
    for (Write w : writes) {
      rows.addAll(w.batch().sessions());
    }
    return rows;
  }

  /** Every viewer row written, in order. */
  synchronized List<ViewerRow> viewerRows() {
    List<ViewerRow> rows = new ArrayList<>();
    for (Write w : writes) {
      rows.addAll(w.batch().viewers());
    }
    return rows;
  }
}
