package org.rfbactivity.proxy.ws;

/** Client-supplied text (an Origin header) made safe for one log line: bounded, no control characters. */
final class LogSafe {

  private static final int MAX = 120;

  private LogSafe() {}

  static String text(String value) {
    if (value == null) {
      return "none";
    }
    StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX) + 3);
    for (int i = 0; i < value.length() && i < MAX; i++) {
      char c = value.charAt(i);
      sb.append(c < 0x20 || c == 0x7f || c == '"' ? '?' : c);
    }
    if (value.length() > MAX) {
      sb.append("...");
    }
    return sb.toString();
  }
}
