package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.rfbactivity.proxy.config.HostPort;

/** websockify's {@code port} claim: any spelling of a valid port gives exactly it; anything else refuses. */
class JwtWebsockifyClaimProperties {

  @Property
  void aPortAsNumberOrDigitsGivesExactlyThatPort(@ForAll @IntRange(min = 1, max = 65535) int port,
      @ForAll("spellings") int spelling) throws Exception {
    Object claim = switch (spelling) {
      case 0 -> port;
      case 1 -> (long) port;
      case 2 -> String.valueOf(port);
      default -> (double) port;
    };
    JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("host", "desk-1").claim("port", claim).build();

    assertThat(JwtRouteResolver.websockifyTarget(JWTClaimsSet.parse(claims.toString())))
        .isEqualTo(new HostPort("desk-1", port));
  }

  @Property
  void anyOtherPortClaimIsRefused(@ForAll("badPorts") Object claim) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("host", "desk-1").claim("port", claim).build();

    assertThatThrownBy(() -> JwtRouteResolver.websockifyTarget(JWTClaimsSet.parse(claims.toString())))
        .isInstanceOf(RouteRefusedException.class)
        .hasMessage("claim port is not a port number (1 to 65535)");
  }

  @Provide
  Arbitrary<Integer> spellings() {
    return Arbitraries.integers().between(0, 3);
  }

  @Provide
  Arbitrary<Object> badPorts() {
    return Arbitraries.oneOf(
        Arbitraries.integers().greaterOrEqual(65536).map(Object.class::cast),
        Arbitraries.integers().lessOrEqual(0).map(Object.class::cast),
        Arbitraries.doubles().between(1, 65535).filter(d -> d != Math.rint(d)).map(Object.class::cast),
        Arbitraries.strings().ofMaxLength(8).filter(s -> !s.matches("0*[1-9][0-9]{0,4}") || s.length() > 5
            || Integer.parseInt(s) > 65535).map(Object.class::cast),
        Arbitraries.of(true, false).map(Object.class::cast));
  }
}
