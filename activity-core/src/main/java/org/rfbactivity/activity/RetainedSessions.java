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
    return entries.remove(sessionId);
  }

  synchronized Map<String, SessionHistory> copy() {
    return new LinkedHashMap<>(entries);
  }

  synchronized int size() {
    return entries.size();
  }
}
