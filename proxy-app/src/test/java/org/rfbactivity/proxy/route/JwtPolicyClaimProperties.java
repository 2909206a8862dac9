package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.rfb.InputClass;

/**
 * The {@code rfba} claim of a well-signed JWT: any options, as strings or as numbers of seconds, give exactly their
 * values on the route, or exactly the warning rule they break; any malformed claim refuses the viewer with a reason
 * that never repeats the token.
 */
class JwtPolicyClaimProperties {

  final JwtRouteResolver resolver = new JwtRouteResolver(new Routing.JwtHs256(JwtRouteResolverTest.SECRET),
      Duration.ofHours(1), Clock.fixed(JwtRouteResolverTest.NOW, ZoneOffset.UTC));

  @Property
  void anyOptionsGiveExactlyTheirValuesOrTheRuleTheyBreak(@ForAll("members") List<Member> members) throws Exception {
    Map<String, Object> claim = new LinkedHashMap<>();
    Map<String, Duration> values = new HashMap<>();
    for (Member m : members) {
      claim.put(m.name(), m.json());
      values.put(m.name(), m.value());
    }
    String token = JwtRouteResolverTest.hs256(JwtRouteResolverTest.claims().claim("rfba", claim).build());

    Throwable refused = catchThrowable(() -> assertThat(resolver.resolve(new RouteRequest(null, token)))
        .isEqualTo(new Route("desk-7", new HostPort("10.1.2.3", 5907), "jwt",
            values.isEmpty() ? RoutePolicy.NONE : TokenFileLineProperties.policyOf(values),
            RouteOrigin.jwt(JwtRouteResolverTest.NOW.plusSeconds(60)))));

    String broken = TokenFileLineProperties.ruleProblem(values);
    if (broken == null) {
      assertThat(refused).isNull();
    } else {
      assertThat(refused).isInstanceOf(RouteRefusedException.class).hasMessage("claim rfba: " + broken);
    }
  }

  @Property
  void aMalformedClaimRefusesTheViewer(@ForAll("members") List<Member> good, @ForAll("badClaims") Object bad) {
    Object claim;
    if (bad instanceof Tuple.Tuple2<?, ?> member) {
      Map<String, Object> m = new LinkedHashMap<>();
      good.forEach(g -> m.put(g.name(), g.json()));
      m.put((String) member.get1(), member.get2());
      claim = m;
    } else {
      claim = bad;
    }
    Throwable refused = catchThrowable(() -> resolver.resolve(new RouteRequest(null,
        JwtRouteResolverTest.hs256(JwtRouteResolverTest.claims().claim("rfba", claim).build()))));

    assertThat(refused).isInstanceOf(RouteRefusedException.class);
    assertThat(refused.getMessage()).startsWith("claim rfba").doesNotContain("eyJ").doesNotContain("SECRET");
    assertThat(((RouteRefusedException) refused).unavailable()).isFalse();
  }

  @Example
  void theMessagesSayWhatIsWrong() throws Exception {
    assertThat(refusal("30m")).isEqualTo("claim rfba is not an object");
    assertThat(refusal(Map.of("idle_disconect", "30m")))
        .isEqualTo("claim rfba has an unknown member (expected idle_disconnect, idle_warning, max_session_duration, "
            + "max_duration_warning, blind_max_duration, view_only, input_permissions)");
    assertThat(refusal(Map.of("idle_disconnect", 0))).isEqualTo("claim rfba.idle_disconnect: must be greater than zero");
    assertThat(refusal(Map.of("idle_disconnect", 31_622_401))).isEqualTo("claim rfba.idle_disconnect: must be at most "
        + "8784h (366 days)");
    assertThat(refusal(Map.of("idle_warning", "5m"))).isEqualTo("claim rfba: idle_warning needs idle_disconnect on the "
        + "same route");
    assertThat(refusal(Map.of("idle_disconnect", "5m", "idle_warning", "5m"))).isEqualTo("claim rfba: idle_warning must "
        + "be shorter than idle_disconnect");
    assertThat(refusal(Map.of("max_session_duration", "8 hours")))
        .isEqualTo("claim rfba.max_session_duration: unknown unit ' hours' (use ms, s, m or h)");
    assertThat(refusal(Map.of("idle_warning", 1.5)))
        .isEqualTo("claim rfba.idle_warning: expected a duration string such as \"30m\" or whole seconds");
    assertThat(refusal(Map.of("blind_max_duration", true)))
        .isEqualTo("claim rfba.blind_max_duration: expected a duration string such as \"30m\" or whole seconds");
  }

  @Example
  void inputPermissionMembers() throws Exception {
    assertThat(permissions(Map.of("view_only", true))).isEqualTo(InputPermissions.none());
    assertThat(permissions(Map.of("view_only", false))).isEqualTo(InputPermissions.all());
    assertThat(permissions(Map.of("input_permissions", "keys, xvp"))).isEqualTo(InputPermissions.of(InputClass.KEYS,
        InputClass.XVP));
    assertThat(permissions(Map.of("input_permissions", List.of("pointer-motion")))).isEqualTo(InputPermissions.of(
        InputClass.POINTER_MOTION));
    assertThat(permissions(Map.of("input_permissions", List.of()))).isEqualTo(InputPermissions.none());
    assertThat(refusal(Map.of("view_only", "true"))).isEqualTo("claim rfba.view_only: expected true or false");
    assertThat(refusal(Map.of("input_permissions", "keys,SECRET"))).isEqualTo("claim rfba.input_permissions: "
        + "expected all, none or a comma list of keys,pointer-motion,pointer-buttons,clipboard,desktop-resize,xvp");
    assertThat(refusal(Map.of("input_permissions", List.of("keys", 1L)))).isEqualTo("claim rfba.input_permissions: "
        + "expected a list of keys,pointer-motion,pointer-buttons,clipboard,desktop-resize,xvp");
    assertThat(refusal(Map.of("input_permissions", true))).isEqualTo("claim rfba.input_permissions: expected a "
        + "string such as \"keys,pointer-motion\" or a list of class names");
    assertThat(refusal(Map.of("view_only", true, "input_permissions", "all")))
        .isEqualTo("claim rfba: view_only and input_permissions both given");
  }

  private InputPermissions permissions(Object claim) throws Exception {
    String token = JwtRouteResolverTest.hs256(JwtRouteResolverTest.claims().claim("rfba", claim).build());
    return resolver.resolve(new RouteRequest(null, token)).policy().inputPermissions();
  }

  private String refusal(Object claim) throws Exception {
    String token = JwtRouteResolverTest.hs256(JwtRouteResolverTest.claims().claim("rfba", claim).build());
    return catchThrowable(() -> resolver.resolve(new RouteRequest(null, token))).getMessage();
  }

  /** One member of the claim: how the JSON carries it, and what it means. */
  record Member(String name, Object json, Duration value) {}

  @Provide
  Arbitrary<List<Member>> members() {
    return Arbitraries.subsetOf(RoutePolicy.DURATION_OPTIONS).flatMap(names -> {
      List<Arbitrary<Member>> each = new ArrayList<>();
      for (String name : names) {
        each.add(values().map(t -> new Member(name, t.get1(), t.get2())));
      }
      return Combinators.combine(each).as(list -> list);
    });
  }

  /** A positive duration as a JSON string or number, with its value. */
  Arbitrary<Tuple.Tuple2<Object, Duration>> values() {
    Arbitrary<Long> n = Arbitraries.oneOf(Arbitraries.longs().between(1, 10), Arbitraries.longs().between(1, 8000));
    return Arbitraries.oneOf(
        n.map(v -> Tuple.of((Object) v, Duration.ofSeconds(v))),
        n.map(v -> Tuple.of((Object) (v + "s"), Duration.ofSeconds(v))),
        n.map(v -> Tuple.of((Object) (v + "m"), Duration.ofMinutes(v))),
        n.map(v -> Tuple.of((Object) (v + "h"), Duration.ofHours(v))),
        n.map(v -> Tuple.of((Object) Long.toString(v), Duration.ofSeconds(v))),
        n.map(v -> Tuple.of((Object) ("PT" + v + "M"), Duration.ofMinutes(v))));
  }

  /** A claim that is not an object, or a member (name, value) that spoils one that is. */
  @Provide
  Arbitrary<Object> badClaims() {
    Arbitrary<String> name = Arbitraries.of(RoutePolicy.DURATION_OPTIONS);
    return Arbitraries.oneOf(
        Arbitraries.of("30m", 1800L, true, List.of("idle_disconnect", "30m")),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).map(n -> Tuple.of("SECRET" + n, "30m")),
        name.map(n -> Tuple.of(n, 0L)),
        name.map(n -> Tuple.of(n, -60L)),
        name.map(n -> Tuple.of(n, 1.5)),
        name.map(n -> Tuple.of(n, "")),
        name.map(n -> Tuple.of(n, "SECRET")),
        name.map(n -> Tuple.of(n, "0s")),
        name.map(n -> Tuple.of(n, List.of(30))),
        name.map(n -> Tuple.of(n, Map.of("s", 30))),
        name.map(n -> Tuple.of(n, 1e300)));
  }
}
