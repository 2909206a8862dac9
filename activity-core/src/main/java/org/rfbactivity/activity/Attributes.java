package org.rfbactivity.activity;

import java.util.HashMap;
import java.util.Map;

/**
 * Viewer attributes (remote address, protocol version, security type, ...) as immutable maps with bounds: their
 * values come from the network, and a hostile peer must not grow the heap through them.
 */
final class Attributes {

  /** Most attributes kept per viewer; further keys are ignored. */
  static final int MAX_ENTRIES = 32;
  /** Longest key kept; longer keys are ignored. */
  static final int MAX_KEY_LENGTH = 64;
  /** Longest value kept; longer values are cut to this length. */
  static final int MAX_VALUE_LENGTH = 256;

  private Attributes() {
  }

  /** A bounded copy; {@code null} keys or values are skipped. */
  static Map<String, String> copyOf(Map<String, String> attributes) {
    if (attributes == null || attributes.isEmpty()) {
      return Map.of();
    }
    Map<String, String> copy = new HashMap<>();
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      put(copy, e.getKey(), e.getValue());
    }
    return Map.copyOf(copy);
  }

  /** {@code attributes} with {@code key} set to {@code value} (or removed if {@code value} is null), bounded. */
  static Map<String, String> with(Map<String, String> attributes, String key, String value) {
    Map<String, String> copy = new HashMap<>(attributes);
    if (value == null) {
      if (key != null) {
        copy.remove(key);
      }
    } else {
      put(copy, key, value);
    }
    return Map.copyOf(copy);
  }

  private static void put(Map<String, String> map, String key, String value) {
    if (key == null || value == null || key.length() > MAX_KEY_LENGTH) {
      return;
    }
    if (map.size() >= MAX_ENTRIES && !map.containsKey(key)) {
      return;
    }
    map.put(key, value.length() > MAX_VALUE_LENGTH ? value.substring(0, MAX_VALUE_LENGTH) : value);
  }
}
