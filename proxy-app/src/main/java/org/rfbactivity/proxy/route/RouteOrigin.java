package org.rfbactivity.proxy.route;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * What a live route came from, kept so that the proxy can end its viewers when the source withdraws it: the SHA-256
 * of a token-file token, a JWT's {@code exp}, or the request a route query is re-run with. Never logged, serialised
 * or shown: {@code toString} says only which parts are set.
 *
 * @param credentialHash hex SHA-256 of the token a token-file route was found by; null otherwise
 * @param expiresAt the JWT's {@code exp}; null for routes that do not expire
 * @param recheck what a route query is run with again ({@code --route-recheck}); it holds the token, since a hash
 *     cannot be looked up, and lives only as long as the viewer, as the token itself did in its request; null for the
 *     other kinds
 */
public record RouteOrigin(String credentialHash, Instant expiresAt, RouteRequest recheck) {

  /** A route that nothing can withdraw (the static route). */
  public static final RouteOrigin NONE = new RouteOrigin(null, null, null);

  /** A token-file route: by the token's hash only. */
  static RouteOrigin tokenFile(String token) {
    return new RouteOrigin(hash(token), null, null);
  }

  /** A JWT route: by its expiry. */
  static RouteOrigin jwt(Instant expiresAt) {
    return new RouteOrigin(null, expiresAt, null);
  }

  /** A route-query route: by what it was looked up with. */
  static RouteOrigin routeQuery(RouteRequest request) {
    return new RouteOrigin(null, null, request);
  }

  /** Hex SHA-256 of the token's UTF-8 bytes. */
  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "RouteOrigin[" + (credentialHash == null ? "" : "token hash, ") + (expiresAt == null ? "" : "expiry, ")
        + (recheck == null ? "" : "recheck") + "]";
  }
}
