package org.rfbactivity.proxy.control;

/**
 * The operator's optional reason for a disconnect ({@code ?reason=}): free text that goes into log lines only, never
 * into metrics labels or events, whose close reason stays {@code admin_disconnect}. Bounded and refused with control
 * characters, so that one line stays one line (docs/style.md#messages-name-the-setting-and-carry-no-secrets).
 */
public final class DisconnectReason {

  /** Longest reason, in characters (code points); the database's check says the same. */
  public static final int MAX_LENGTH = 200;

  private DisconnectReason() {}

  /**
   * The reason as given, or null for none.
   *
   * @throws IllegalArgumentException with the problem (no echo of the text), when it is too long or has a control
   *     or line-separating character
   */
  public static String check(String reason) {
    if (reason == null || reason.isEmpty()) {
      return null;
    }
    if (reason.codePointCount(0, reason.length()) > MAX_LENGTH) {
      throw new IllegalArgumentException("reason longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < reason.length(); ) {
      int c = reason.codePointAt(i);
      int type = Character.getType(c);
      if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
        throw new IllegalArgumentException("reason with a control character at index " + i);
      }
      i += Character.charCount(c);
    }
    return reason;
  }

  /**
   * The {@code detail} of the viewer's close log line: who asked, and the reason with its quotes and backslashes
   * replaced, since the log line quotes the detail.
   */
  static String logDetail(String issuer, long commandId, String reason) {
    StringBuilder sb = new StringBuilder(64 + (reason == null ? 0 : reason.length()));
    sb.append("via ").append(issuer);
    if (commandId > 0) {
      sb.append(" command ").append(commandId);
    }
    if (reason != null) {
      sb.append(": ");
      for (int i = 0; i < reason.length(); i++) {
        char c = reason.charAt(i);
        sb.append(c == '"' || c == '\\' ? '\'' : c);
      }
    }
    return sb.toString();
  }
}
