package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.route.Route;
import org.rfbactivity.proxy.route.RouteOrigin;
import org.rfbactivity.proxy.route.RoutePolicy;

/** When a viewer's close at its token's expiry is due, by the injected wall clock. */
class TokenExpiryTest {

  static final Instant NOW = Instant.parse("2026-12-03T12:00:00.250Z");
  final TokenExpiry on = new TokenExpiry(true, Clock.fixed(NOW, ZoneOffset.UTC));

  static Route expiringAt(Instant exp) {
    return new Route("desk", new HostPort("10.0.0.1", 5901), "jwt", RoutePolicy.NONE, new RouteOrigin(null, exp, null));
  }

  @Test
  void theCloseIsDueAtTheExp() {
    assertThat(on.remaining(expiringAt(Instant.parse("2026-12-03T12:01:30Z")))).isEqualTo(Duration.ofMillis(89_750));
    assertThat(on.remaining(expiringAt(NOW))).isEqualTo(Duration.ZERO);
    assertThat(on.remaining(expiringAt(NOW.minusSeconds(5)))).as("already past: at once").isEqualTo(Duration.ZERO);
  }

  @Test
  void noCloseWithoutAnExpOrWhenOff() {
    assertThat(on.remaining(new Route("desk", new HostPort("10.0.0.1", 5901), "static"))).isNull();
    assertThat(TokenExpiry.OFF.remaining(expiringAt(NOW.plusSeconds(60)))).isNull();
    assertThat(new TokenExpiry(false, Clock.fixed(NOW, ZoneOffset.UTC)).remaining(expiringAt(NOW.plusSeconds(60))))
        .isNull();
  }
}
