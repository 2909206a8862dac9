package org.rfbactivity.activity.store;

/** Ids from the network go into log lines only through here: no control characters, bounded length. */
final class LogSafe {

  /** Longest id echoed in a log line. */
  static final int MAX_LOGGED_ID_LENGTH = 128;

  private LogSafe() {
  }

  static String id(String id) {
    if (id == null) {
      return "null";
    }
    int length = Math.min(id.length(), MAX_LOGGED_ID_LENGTH);
    StringBuilder out = new StringBuilder(length + 3);
    for (int i = 0; i < length; i++) {
      char c = id.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (id.length() > length) {
      out.append("...");
    }
    return out.toString();
  }
}
