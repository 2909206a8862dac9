package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.ProxySettings;
import org.rfbactivity.proxy.config.Routing;

class JwtRouteResolverTest {

  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Duration LIFETIME = ProxySettings.MAX_TOKEN_LIFETIME.defaultValue();
  static KeyPair rsa;

  final JwtRouteResolver hs = new JwtRouteResolver(new Routing.JwtHs256(SECRET), LIFETIME, CLOCK);

  @BeforeAll
  static void keys() throws NoSuchAlgorithmException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    rsa = gen.generateKeyPair();
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .claim("session_id", "desk-7")
        .claim("target", "10.1.2.3:5907")
        .expirationTime(Date.from(NOW.plusSeconds(60)));
  }

  static String hs256(JWTClaimsSet claims) throws JOSEException {
    return sign(JWSAlgorithm.HS256, claims, SECRET);
  }

  static String sign(JWSAlgorithm alg, JWTClaimsSet claims, byte[] secret) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
    jwt.sign(new MACSigner(secret));
    return jwt.serialize();
  }

  static String rs256(JWTClaimsSet claims) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
    jwt.sign(new RSASSASigner(rsa.getPrivate()));
    return jwt.serialize();
  }

  @Test
  void goodHs256TokenCarriesSessionAndTarget() throws Exception {
    Route route = hs.resolve(new RouteRequest(null, hs256(claims().build())));

    assertThat(route).isEqualTo(new Route("desk-7", new HostPort("10.1.2.3", 5907), "jwt", RoutePolicy.NONE,
        RouteOrigin.jwt(NOW.plusSeconds(60))));
    assertThat(hs.blocking()).isFalse();
  }

  @Test
  void pathIdMustMatchTheTokensSession() throws Exception {
    String token = hs256(claims().build());

    assertThat(hs.resolve(new RouteRequest("desk-7", token)).sessionId()).isEqualTo("desk-7");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest("desk-8", token)))
        .hasMessage("path session id does not match the route");
  }

  @Test
  void expiredAtOrBeforeNow() throws Exception {
    String atNow = hs256(claims().expirationTime(Date.from(NOW)).build());
    String past = hs256(claims().expirationTime(Date.from(NOW.minusSeconds(1))).build());

    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, atNow))).hasMessage("expired token");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, past))).hasMessage("expired token");
  }

  @Test
  void expAtMostTheMaxLifetimeAhead() throws Exception {
    JwtRouteResolver oneHour = new JwtRouteResolver(new Routing.JwtHs256(SECRET), Duration.ofHours(1), CLOCK);
    String atTheLimit = hs256(claims().expirationTime(Date.from(NOW.plusSeconds(3600))).build());
    String beyond = hs256(claims().expirationTime(Date.from(NOW.plusSeconds(3601))).build());

    assertThat(oneHour.resolve(new RouteRequest(null, atTheLimit)).sessionId()).isEqualTo("desk-7");
    assertThatThrownBy(() -> oneHour.resolve(new RouteRequest(null, beyond)))
        .isInstanceOf(RouteRefusedException.class)
        .hasMessage("token lifetime exceeds --max-token-lifetime (exp more than 1h ahead)");
  }

  @Test
  void theDefaultMaxLifetimeIsADay() throws Exception {
    String aDay = hs256(claims().expirationTime(Date.from(NOW.plus(Duration.ofDays(1)))).build());
    String years = hs256(claims().expirationTime(Date.from(NOW.plus(Duration.ofDays(3650)))).build());

    assertThat(hs.resolve(new RouteRequest(null, aDay)).sessionId()).isEqualTo("desk-7");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, years)))
        .hasMessage("token lifetime exceeds --max-token-lifetime (exp more than 24h ahead)");
  }

  @Test
  void expMinusIatAtMostTheMaxLifetime() throws Exception {
    // Issued long ago with a long life, of which less than the limit is left: the issuer meant it to live too long.
    JwtRouteResolver oneHour = new JwtRouteResolver(new Routing.JwtHs256(SECRET), Duration.ofHours(1), CLOCK);
    Date exp = Date.from(NOW.plusSeconds(60));
    String atTheLimit = hs256(claims().expirationTime(exp).issueTime(Date.from(NOW.minusSeconds(3540))).build());
    String beyond = hs256(claims().expirationTime(exp).issueTime(Date.from(NOW.minusSeconds(3541))).build());

    assertThat(oneHour.resolve(new RouteRequest(null, atTheLimit)).sessionId()).isEqualTo("desk-7");
    assertThatThrownBy(() -> oneHour.resolve(new RouteRequest(null, beyond)))
        .hasMessage("token lifetime exceeds --max-token-lifetime (exp - iat more than 1h)");
  }

  @Test
  void expIsRequiredAndNbfEnforced() throws Exception {
    String noExp = hs256(claims().expirationTime(null).build());
    String early = hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(10))).build());

    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, noExp))).hasMessage("token has no exp");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, early))).hasMessage("token not yet valid");
  }

  @Test
  void badSignature() throws Exception {
    String other = sign(JWSAlgorithm.HS256, claims().build(), "another-secret-another-secret-xx".getBytes(StandardCharsets.UTF_8));
    String token = hs256(claims().build());
    String tampered = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);

    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, other))).hasMessage("bad signature");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, tampered))).hasMessage("bad signature");
  }

  @Test
  void wrongAlgorithmIsRefusedEvenWithTheRightSecret() throws Exception {
    byte[] longSecret = (new String(SECRET, StandardCharsets.UTF_8) + new String(SECRET, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
    JwtRouteResolver hsLong = new JwtRouteResolver(new Routing.JwtHs256(longSecret), LIFETIME, CLOCK);
    String hs512 = sign(JWSAlgorithm.HS512, claims().build(), longSecret);

    assertThatThrownBy(() -> hsLong.resolve(new RouteRequest(null, hs512)))
        .hasMessage("wrong algorithm (only HS256 is accepted)");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, rs256(claims().build()))))
        .hasMessage("wrong algorithm (only HS256 is accepted)");
  }

  @Test
  void unsignedTokensAreRefused() {
    String none = new PlainJWT(claims().build()).serialize();

    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, none))).hasMessage("malformed or unsigned token");
  }

  @Test
  void rs256WithThePublicKey() throws Exception {
    JwtRouteResolver rs = new JwtRouteResolver(new Routing.JwtRs256((RSAPublicKey) rsa.getPublic()), LIFETIME, CLOCK);

    assertThat(rs.resolve(new RouteRequest(null, rs256(claims().build()))))
        .isEqualTo(new Route("desk-7", new HostPort("10.1.2.3", 5907), "jwt", RoutePolicy.NONE,
            RouteOrigin.jwt(NOW.plusSeconds(60))));
  }

  @Test
  void rs256RefusesAnHs256TokenMacedWithThePublicKey() throws Exception {
    // The classic key-confusion attack (RFC 8725 §2.1): HMAC keyed with the public key's bytes.
    JwtRouteResolver rs = new JwtRouteResolver(new Routing.JwtRs256((RSAPublicKey) rsa.getPublic()), LIFETIME, CLOCK);
    String forged = sign(JWSAlgorithm.HS256, claims().build(), rsa.getPublic().getEncoded());

    assertThatThrownBy(() -> rs.resolve(new RouteRequest(null, forged)))
        .hasMessage("wrong algorithm (only RS256 is accepted)");
  }

  @Test
  void claimsMustBeThere() throws Exception {
    String noSession = hs256(claims().claim("session_id", null).build());
    String noTarget = hs256(claims().claim("target", null).build());
    String badTarget = hs256(claims().claim("target", "10.1.2.3").build());
    String numberSession = hs256(claims().claim("session_id", 42).build());
    String badSession = hs256(claims().claim("session_id", "has space").build());

    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, noSession))).hasMessage("token has no session_id");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, noTarget))).hasMessage("token has no target");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, badTarget))).hasMessage("claim target is not host:port");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, numberSession)))
        .hasMessage("claim session_id is not a string");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, badSession)))
        .hasMessage("claim session_id is not a valid session id");
  }

  @Test
  void garbageAndMissingTokens() {
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, null))).hasMessage("missing token");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, "not.a.jwt"))).hasMessage("malformed or unsigned token");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, "x".repeat(9000))))
        .hasMessage("token longer than 8192 characters");
  }

  /** websockify's JWTTokenApi claims: host and port, port a number or a string; no session_id means host:port. */
  @Test
  void websockifyHostAndPortClaims() throws Exception {
    JWTClaimsSet.Builder websockify = new JWTClaimsSet.Builder().claim("host", "10.1.2.3").claim("port", 5907)
        .expirationTime(Date.from(NOW.plusSeconds(60)));
    Route expected = new Route("10.1.2.3:5907", new HostPort("10.1.2.3", 5907), "jwt", RoutePolicy.NONE,
        RouteOrigin.jwt(NOW.plusSeconds(60)));

    assertThat(hs.resolve(new RouteRequest(null, hs256(websockify.build())))).isEqualTo(expected);
    assertThat(hs.resolve(new RouteRequest(null, hs256(websockify.claim("port", "5907").build()))))
        .as("port as a string, as websockify's issuers often write it").isEqualTo(expected);
    assertThat(hs.resolve(new RouteRequest("10.1.2.3:5907", hs256(websockify.build()))))
        .as("the path id may name the derived session").isEqualTo(expected);
    assertThat(hs.resolve(new RouteRequest(null, hs256(websockify.claim("host", "::1").build()))).sessionId())
        .isEqualTo("[::1]:5907");
    assertThat(hs.resolve(new RouteRequest(null, hs256(websockify.claim("session_id", "desk-7").build()))))
        .as("a session_id claim names the session")
        .isEqualTo(new Route("desk-7", new HostPort("::1", 5907), "jwt", RoutePolicy.NONE,
            RouteOrigin.jwt(NOW.plusSeconds(60))));
  }

  @Test
  void websockifyClaimsFollowTheSameRules() throws Exception {
    JWTClaimsSet.Builder websockify = new JWTClaimsSet.Builder().claim("host", "10.1.2.3").claim("port", 5907)
        .expirationTime(Date.from(NOW.plusSeconds(60)));

    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, hs256(websockify.expirationTime(null).build()))))
        .as("websockify's exp is optional, ours is not").hasMessage("token has no exp");
    websockify.expirationTime(Date.from(NOW.plusSeconds(60)));
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, hs256(websockify.notBeforeTime(
        Date.from(NOW.plusSeconds(1))).build())))).hasMessage("token not yet valid");
    websockify.notBeforeTime(null);
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, hs256(websockify.claim("port", null).build()))))
        .hasMessage("token has no port");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, hs256(websockify.claim("port", "59o7").build()))))
        .hasMessage("claim port is not a port number (1 to 65535)");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, hs256(websockify.claim("port", 0).build()))))
        .hasMessage("claim port is not a port number (1 to 65535)");
    websockify.claim("port", 5907);
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, hs256(websockify.claim("host", "a b").build()))))
        .hasMessage("claim host is not a host name or address");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, hs256(websockify.claim("host", 7).build()))))
        .hasMessage("claim host is not a string");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest(null, hs256(claims().claim("host", "10.1.2.3").build()))))
        .as("one target, not two that may disagree").hasMessage("claims target and host/port both given");
    assertThatThrownBy(() -> hs.resolve(new RouteRequest("desk-9", hs256(websockify.claim("host", "h").build()))))
        .hasMessage("path session id does not match the route");
  }
}
