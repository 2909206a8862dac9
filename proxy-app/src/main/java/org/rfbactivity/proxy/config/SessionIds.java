package org.rfbactivity.proxy.config;

/**
 * What a session id may look like. Ids travel in URLs ({@code /vnc/{id}}), JSON, logs and database keys, so
 * they are short printable ASCII with no URL delimiters; {@code :} and brackets are allowed so that a
 * {@code host:port} target can serve as an id.
 *
 * <p>It lives in {@code config}, beside {@link HostPort}, for the same reason: it is a setting's value type (the static
 * route's {@code --session-id}) that {@code route} and {@code ws} also check on what a client sends, and
 * {@code config} is the package every other one reads; in {@code route} it would make the two depend on each other.
 */
public final class SessionIds {

  /** Longest accepted id: generous for UUIDs and host:port pairs, bounded for logs and keys. */
  public static final int MAX_LENGTH = 128;

  private SessionIds() {}

  public static boolean isValid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '@' || c == '+'
          || c == '[' || c == ']';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
