package org.rfbactivity.proxy.route;

/**
 * What a viewer presented: the {@code /vnc/{id}} path id and the {@code ?token=} value, either may be null.
 * {@code toString} never shows the token.
 */
public record RouteRequest(String pathId, String token) {

  /** A raw TCP viewer presents nothing. */
  public static final RouteRequest NONE = new RouteRequest(null, null);

  @Override
  public String toString() {
    String shown = token == null ? "none" : "<" + token.length() + " chars>";
    return "RouteRequest[pathId=" + pathId + ", token=" + shown + "]";
  }
}
