package org.rfbactivity.activity.event;

/**
 * Short texts that travel as they are (blind and close reasons): cut to a length, control characters replaced by
 * {@code ?}. PostgreSQL text refuses NUL, which would get a row rejected at every write, and a line break would break
 * a log line or an SSE frame.
 */
public final class BoundedText {

  private BoundedText() {
  }

  /**
   * {@return {@code text} cut to {@code maxLength} characters, control characters replaced; null stays null}
   *
   * @param text the text, or null
   * @param maxLength the most characters kept
   */
  public static String of(String text, int maxLength) {
    if (text == null) {
      return null;
    }
    String cut = text.length() <= maxLength ? text : text.substring(0, maxLength);
    StringBuilder clean = null;
    for (int i = 0; i < cut.length(); i++) {
      if (Character.isISOControl(cut.charAt(i))) {
        if (clean == null) {
          clean = new StringBuilder(cut);
        }
        clean.setCharAt(i, '?');
      }
    }
    return clean == null ? cut : clean.toString();
  }
}
