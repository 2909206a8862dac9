package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;

/** Any exp and iat of a well-signed token give the route or exactly the refusal the lifetime rules call for. */
class JwtLifetimeProperties {

  static final Instant NOW = JwtRouteResolverTest.NOW;
  static final long MAX_SECONDS = 3600;

  final JwtRouteResolver resolver = new JwtRouteResolver(new Routing.JwtHs256(JwtRouteResolverTest.SECRET),
      Duration.ofSeconds(MAX_SECONDS), Clock.fixed(NOW, ZoneOffset.UTC));

  @Property
  void anyExpAndIatGiveTheRouteOrThePreciseRefusal(@ForAll("offsets") long exp,
      @ForAll("iatOffsets") Long iat) throws Exception {
    String token = JwtRouteResolverTest.hs256(JwtRouteResolverTest.claims()
        .expirationTime(Date.from(NOW.plusSeconds(exp)))
        .issueTime(iat == null ? null : Date.from(NOW.plusSeconds(iat)))
        .build());

    Throwable refused = catchThrowable(() -> assertThat(resolver.resolve(new RouteRequest(null, token)))
        .isEqualTo(new Route("desk-7", new HostPort("10.1.2.3", 5907), "jwt", RoutePolicy.NONE,
            RouteOrigin.jwt(NOW.plusSeconds(exp)))));

    String expected = exp <= 0 ? "expired token"
        : exp > MAX_SECONDS ? "token lifetime exceeds --max-token-lifetime (exp more than 1h ahead)"
        : iat != null && exp - iat > MAX_SECONDS ? "token lifetime exceeds --max-token-lifetime (exp - iat more than 1h)"
        : null;
    if (expected == null) {
      assertThat(refused).isNull();
    } else {
      assertThat(refused).isInstanceOf(RouteRefusedException.class).hasMessage(expected);
    }
  }

  /** Seconds from now: around the limits, exactly at them, and centuries away. */
  @Provide
  Arbitrary<Long> offsets() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-2 * MAX_SECONDS, 2 * MAX_SECONDS),
        Arbitraries.of(-1L, 0L, 1L, MAX_SECONDS - 1, MAX_SECONDS, MAX_SECONDS + 1),
        Arbitraries.longs().between(-1_700_000_000L, 10_000_000_000L));
  }

  /** An iat offset from now, or none. */
  @Provide
  Arbitrary<Long> iatOffsets() {
    return offsets().injectNull(0.2);
  }
}
