package org.rfbactivity.activity;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sessions the tracker no longer holds but still answers for (docs/architecture.md#time-in-state): the ones whose
 * last viewer left and everything was written, and the ones declared known before any viewer came. Bounded: past
 * {@code capacity} the entry put longest ago (the session without viewers longest) is forgotten. Thread-safe; not
 * on the input path (puts come from the flusher, removes from opens, reads from snapshots).
 */
final class RetainedSessions {

  private final int capacity;
  private final LinkedHashMap<String, SessionHistory> entries = new LinkedHashMap<>();
  /** entries' size, written under the lock and read without it (a metrics scrape must not wait for the flusher). */
  private volatile int size;

  RetainedSessions(int capacity) {
    this.capacity = capacity;
  }

  synchronized void put(String sessionId, SessionHistory history) {
    if (capacity == 0) {
      return;
    }
    entries.remove(sessionId); // re-inserted at the end: it left just now
    entries.put(sessionId, history);
    if (entries.size() > capacity) {
      var eldest = entries.entrySet().iterator();
      eldest.next();
      eldest.remove();
    }
    size = entries.size();
  }

  /** Adds a session that has never had a viewer here, unless it is already known. */
  synchronized void putIfAbsent(String sessionId, SessionHistory history) {
    if (!entries.containsKey(sessionId)) {
      put(sessionId, history);
    }
  }

  synchronized SessionHistory get(String sessionId) {
    return entries.get(sessionId);
  }

  /** Takes the entry out (a viewer opened: the session is held again). */
  synchronized SessionHistory take(String sessionId) {
    SessionHistory taken = entries.remove(sessionId);
    size = entries.size();
    return taken;
  }

  synchronized Map<String, SessionHistory> copy() {
    return new LinkedHashMap<>(entries);
  }

  int size() {
    return size;
  }
}
