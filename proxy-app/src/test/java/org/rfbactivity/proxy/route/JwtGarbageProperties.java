package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.rfbactivity.proxy.config.ProxySettings;
import org.rfbactivity.proxy.config.Routing;

class JwtGarbageProperties {

  final JwtRouteResolver resolver = new JwtRouteResolver(
      new Routing.JwtHs256("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)),
      ProxySettings.MAX_TOKEN_LIFETIME.defaultValue(),
      Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));

  @Property
  void anyTokenIsRefusedWithAReasonThatDoesNotRepeatIt(@ForAll("tokens") String token) {
    Throwable refused = catchThrowable(() -> resolver.resolve(new RouteRequest(null, token)));

    assertThat(refused).isInstanceOf(RouteRefusedException.class);
    assertThat(refused.getMessage()).isNotBlank().doesNotContain(token);
  }

  /** Random text, and random three-part base64url strings that look like a JWT. */
  @Provide
  Arbitrary<String> tokens() {
    Arbitrary<String> part = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric()
        .withChars('-', '_').ofMinLength(1).ofMaxLength(80);
    Arbitrary<String> jwtShaped = part.list().ofSize(3).map(l -> String.join(".", l));
    return Arbitraries.oneOf(Arbitraries.strings().ofMinLength(8).ofMaxLength(200), jwtShaped);
  }
}
