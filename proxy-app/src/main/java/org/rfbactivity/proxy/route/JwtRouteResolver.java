package org.rfbactivity.proxy.route;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.Durations;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.config.SessionIds;
import org.rfbactivity.proxy.relay.InputPermissions;

/**
 * A signed JWT in {@code ?token=} carries the route: claim {@code session_id} (the session) and claim
 * {@code target} ({@code host:port}). The algorithm is pinned by configuration (HS256 with a secret, RS256 with a
 * public key) and the header's {@code alg} must equal it, so neither {@code none} nor an HS256 token
 * "signed" with the RSA public key is accepted (RFC 8725 §3.1). {@code exp} is required and enforced with no
 * leeway; {@code nbf} is enforced when present. A token may live at most {@code --max-token-lifetime}: its
 * {@code exp} no further ahead than that, and, with an {@code iat}, {@code exp - iat} no longer, so that a leaked
 * URL (browser history, a proxy's log) is not a key for years.
 *
 * <p>websockify's {@code JWTTokenApi} claims are accepted too: {@code host} (a string) and {@code port} (a number, or
 * a string of digits, as websockify hands either to its socket), in place of {@code target}. Such a token may leave out
 * {@code session_id}; its session id is then its target {@code host:port}, as for a token-file route. The rules above
 * still hold for it: websockify treats {@code exp} as optional, this proxy does not, so a websockify issuer must add
 * one (a URL-borne key without an end is what {@code --max-token-lifetime} exists to refuse).
 *
 * <p>The optional claim {@code rfba} sets the route's policy ({@link #policy}); the route keeps the {@code exp}
 * ({@link RouteOrigin}) so that the viewer can be closed when its token expires ({@code --close-on-token-expiry}).
 */
public final class JwtRouteResolver implements RouteResolver {

  /** Claim naming the session. */
  public static final String SESSION_CLAIM = "session_id";
  /** Claim naming the VNC server, {@code host:port}. */
  public static final String TARGET_CLAIM = "target";
  /** websockify's claim naming the VNC server's host, with {@link #PORT_CLAIM} instead of {@link #TARGET_CLAIM}. */
  public static final String HOST_CLAIM = "host";
  /** websockify's claim naming the VNC server's port: a number or a string of digits. */
  public static final String PORT_CLAIM = "port";
  /** Optional object claim of per-route policy options ({@link #policy}). */
  public static final String POLICY_CLAIM = "rfba";

  /** A URL-borne token longer than this is not one we issued. */
  static final int MAX_TOKEN_LENGTH = 8192;

  private final JWSAlgorithm algorithm;
  private final JWSVerifier verifier;
  private final Duration maxLifetime;
  private final Clock clock;
  private final String kind;

  /** @param maxLifetime {@code --max-token-lifetime} */
  public JwtRouteResolver(Routing routing, Duration maxLifetime, Clock clock) {
    this.maxLifetime = maxLifetime;
    this.clock = clock;
    this.kind = routing.kind();
    try {
      if (routing instanceof Routing.JwtHs256 hs) {
        this.algorithm = JWSAlgorithm.HS256;
        this.verifier = new MACVerifier(hs.secret());
      } else if (routing instanceof Routing.JwtRs256 rs) {
        this.algorithm = JWSAlgorithm.RS256;
        this.verifier = new RSASSAVerifier(rs.publicKey());
      } else {
        throw new IllegalArgumentException("not a JWT routing: " + routing.kind());
      }
    } catch (JOSEException e) {
      String flag = routing instanceof Routing.JwtRs256 ? "--jwt-public-key" : "--jwt-secret-file";
      throw new ConfigException(flag, null, "unusable key: " + e.getMessage());
    }
  }

  @Override
  public Route resolve(RouteRequest request) throws RouteRefusedException {
    String token = request.token();
    if (token == null || token.isEmpty()) {
      throw RouteRefusedException.refused("missing token");
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw RouteRefusedException.refused("token longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw RouteRefusedException.refused("malformed or unsigned token");
    }
    if (!algorithm.equals(jwt.getHeader().getAlgorithm())) {
      throw RouteRefusedException.refused("wrong algorithm (only " + algorithm.getName() + " is accepted)");
    }
    try {
      if (!jwt.verify(verifier)) {
        throw RouteRefusedException.refused("bad signature");
      }
    } catch (JOSEException | IllegalStateException e) {
      throw RouteRefusedException.refused("bad signature");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw RouteRefusedException.refused("malformed claims");
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw RouteRefusedException.refused("token has no exp");
    }
    Instant expiry = exp.toInstant();
    if (!now.isBefore(expiry)) {
      throw RouteRefusedException.refused("expired token");
    }
    if (Duration.between(now, expiry).compareTo(maxLifetime) > 0) {
      throw RouteRefusedException.refused("token lifetime exceeds --max-token-lifetime (exp more than "
          + Durations.format(maxLifetime) + " ahead)");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && Duration.between(iat.toInstant(), expiry).compareTo(maxLifetime) > 0) {
      throw RouteRefusedException.refused("token lifetime exceeds --max-token-lifetime (exp - iat more than "
          + Durations.format(maxLifetime) + ")");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.isBefore(nbf.toInstant())) {
      throw RouteRefusedException.refused("token not yet valid");
    }
    boolean websockify = claims.getClaim(TARGET_CLAIM) == null
        && (claims.getClaim(HOST_CLAIM) != null || claims.getClaim(PORT_CLAIM) != null);
    HostPort target;
    if (websockify) {
      target = websockifyTarget(claims);
    } else {
      if (claims.getClaim(HOST_CLAIM) != null || claims.getClaim(PORT_CLAIM) != null) {
        throw RouteRefusedException.refused("claims " + TARGET_CLAIM + " and " + HOST_CLAIM + "/" + PORT_CLAIM
            + " both given");
      }
      try {
        target = HostPort.parse(stringClaim(claims, TARGET_CLAIM), false);
      } catch (IllegalArgumentException e) {
        throw RouteRefusedException.refused("claim " + TARGET_CLAIM + " is not host:port");
      }
    }
    String sessionId;
    if (websockify && claims.getClaim(SESSION_CLAIM) == null) {
      sessionId = target.toString(); // as a token-file route's: websockify's claims name no session
    } else {
      sessionId = stringClaim(claims, SESSION_CLAIM);
      if (!SessionIds.isValid(sessionId)) {
        throw RouteRefusedException.refused("claim " + SESSION_CLAIM + " is not a valid session id");
      }
    }
    RoutePolicy policy = policy(claims);
    RouteResolver.requireMatchingPathId(request, sessionId);
    return new Route(sessionId, target, kind, policy, RouteOrigin.jwt(expiry));
  }

  /**
   * The {@code rfba} claim: an object whose members are {@link RoutePolicy#OPTIONS}: the limits each a duration
   * string ({@code "30m"}) or a whole number of seconds ({@code 1800}), {@code view_only} a boolean,
   * {@code input_permissions} a string ({@code "all"}, {@code "none"}, {@code "keys,pointer-motion"}) or an array of
   * class names ({@code []} is none). A claim that does not fit refuses the viewer: a limit or a restriction the
   * issuer meant to set must not silently vanish.
   */
  static RoutePolicy policy(JWTClaimsSet claims) throws RouteRefusedException {
    Object claim = claims.getClaim(POLICY_CLAIM);
    if (claim == null) {
      return RoutePolicy.NONE;
    }
    if (!(claim instanceof Map<?, ?> members)) {
      throw RouteRefusedException.refused("claim " + POLICY_CLAIM + " is not an object");
    }
    RoutePolicy.Builder b = new RoutePolicy.Builder();
    for (Map.Entry<?, ?> member : members.entrySet()) {
      String name = String.valueOf(member.getKey());
      if (!RoutePolicy.OPTIONS.contains(name)) {
        throw RouteRefusedException.refused("claim " + POLICY_CLAIM + " has an unknown member (expected "
            + String.join(", ", RoutePolicy.OPTIONS) + ")");
      }
      try {
        Object value = member.getValue();
        switch (name) {
          case RoutePolicy.VIEW_ONLY -> b.viewOnly(viewOnly(value));
          case RoutePolicy.INPUT_PERMISSIONS -> b.inputPermissions(permissions(value));
          default -> b.set(name, duration(value));
        }
      } catch (IllegalArgumentException e) {
        throw RouteRefusedException.refused("claim " + POLICY_CLAIM + "." + name + ": " + e.getMessage());
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw RouteRefusedException.refused("claim " + POLICY_CLAIM + ": " + e.getMessage());
    }
  }

  private static boolean viewOnly(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException("expected true or false");
  }

  private static InputPermissions permissions(Object value) {
    if (value instanceof String text) {
      return RoutePolicy.parsePermissions(text);
    }
    if (value instanceof List<?> labels) {
      return RoutePolicy.permissionsOf(labels);
    }
    throw new IllegalArgumentException("expected a string such as \"keys,pointer-motion\" or a list of class names");
  }

  private static Duration duration(Object value) {
    if (value instanceof String text) {
      return RoutePolicy.parseValue(text);
    }
    if (value instanceof Long || value instanceof Integer) {
      return RoutePolicy.seconds(((Number) value).longValue());
    }
    if (value instanceof Number n && !Double.isInfinite(n.doubleValue())
        && n.doubleValue() == Math.rint(n.doubleValue())) {
      return RoutePolicy.seconds((long) n.doubleValue()); // 1800.0: JSON does not tell 1800 from 1800.0
    }
    throw new IllegalArgumentException("expected a duration string such as \"30m\" or whole seconds");
  }

  /** The target of websockify's {@code host} and {@code port} claims. */
  static HostPort websockifyTarget(JWTClaimsSet claims) throws RouteRefusedException {
    String host = stringClaim(claims, HOST_CLAIM);
    Object port = claims.getClaim(PORT_CLAIM);
    if (port == null) {
      throw RouteRefusedException.refused("token has no " + PORT_CLAIM);
    }
    int number = port(port);
    if (number < 1 || number > 65535) {
      throw RouteRefusedException.refused("claim " + PORT_CLAIM + " is not a port number (1 to 65535)");
    }
    // Through the parser of targets, so that a claim is held to what a token file or --target may say.
    HostPort target = null;
    try {
      target = HostPort.parse(new HostPort(host, number).toString(), false);
    } catch (IllegalArgumentException e) {
      // refused below
    }
    if (target == null || !target.host().equals(host)) {
      throw RouteRefusedException.refused("claim " + HOST_CLAIM + " is not a host name or address");
    }
    return target;
  }

  /** A port claim's number, or -1: a whole JSON number, or a string of at most five ASCII digits. */
  private static int port(Object claim) {
    if (claim instanceof String text) {
      return text.length() <= 5 && !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')
          ? Integer.parseInt(text) : -1;
    }
    if (claim instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && d >= 0 && d <= 65535 ? (int) d : -1;
    }
    return -1;
  }

  private static String stringClaim(JWTClaimsSet claims, String name) throws RouteRefusedException {
    try {
      String value = claims.getStringClaim(name);
      if (value == null) {
        throw RouteRefusedException.refused("token has no " + name);
      }
      return value;
    } catch (ParseException e) {
      throw RouteRefusedException.refused("claim " + name + " is not a string");
    }
  }

  @Override
  public boolean blocking() {
    return false;
  }
}
