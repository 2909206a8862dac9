package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.rfb.InputClass;

/**
 * A route's input permissions read the same from every source (docs/architecture.md#input-permissions): any set of
 * classes, in any order, as a token-file option, a JWT claim's string or array, gives exactly that set; any other
 * text is refused with a reason that never repeats it.
 */
class RouteInputPermissionsProperties {

  final JwtRouteResolver jwt = new JwtRouteResolver(new Routing.JwtHs256(JwtRouteResolverTest.SECRET),
      Duration.ofHours(1), Clock.fixed(JwtRouteResolverTest.NOW, ZoneOffset.UTC));

  @Property
  void anySetOfClassesInAnyOrderGivesExactlyThatSet(@ForAll("classLists") List<InputClass> classes,
      @ForAll("blanks") String blank) throws Exception {
    InputPermissions expected = InputPermissions.of(classes.toArray(InputClass[]::new));
    String list = classes.isEmpty() ? "none"
        : classes.stream().map(InputClass::label).collect(Collectors.joining(","));
    Map<String, HostPort> routes = new HashMap<>();
    Map<String, RoutePolicy> policies = new HashMap<>();

    assertThat(TokenTable.parseLine("desk: 10.0.0.5:5901 input_permissions=" + list, routes, policies)).isNull();
    assertThat(policies.get("desk").inputPermissions()).isEqualTo(expected);
    assertThat(claim(list.replace(",", blank + "," + blank))).isEqualTo(expected);
    assertThat(claim(classes.stream().map(InputClass::label).toList())).isEqualTo(expected);
  }

  @Property
  void anyOtherTextIsRefusedWithoutRepeatingIt(@ForAll("badLists") String text) throws Exception {
    Map<String, HostPort> routes = new HashMap<>();
    Map<String, RoutePolicy> policies = new HashMap<>();

    String problem = TokenTable.parseLine("desk: 10.0.0.5:5901 input_permissions=" + text, routes, policies);
    Throwable refused = catchThrowable(() -> claim(text));

    assertThat(problem).isEqualTo("bad option: input_permissions: expected all, none or a comma list of keys,"
        + "pointer-motion,pointer-buttons,clipboard,desktop-resize,xvp");
    assertThat(routes).as("the line is ignored, not routed with full rights").isEmpty();
    assertThat(refused).isInstanceOf(RouteRefusedException.class).hasMessage("claim rfba.input_permissions: expected "
        + "all, none or a comma list of keys,pointer-motion,pointer-buttons,clipboard,desktop-resize,xvp");
  }

  private InputPermissions claim(Object value) throws Exception {
    String token = JwtRouteResolverTest.hs256(JwtRouteResolverTest.claims()
        .claim("rfba", Map.of(RoutePolicy.INPUT_PERMISSIONS, value)).build());
    return jwt.resolve(new RouteRequest(null, token)).policy().inputPermissions();
  }

  @Provide
  Arbitrary<List<InputClass>> classLists() {
    return Arbitraries.subsetOf(InputClass.values()).map(List::copyOf).flatMap(l -> Arbitraries.shuffle(l));
  }

  @Provide
  Arbitrary<String> blanks() {
    return Arbitraries.of("", " ", "  ", "\t");
  }

  /** A class list spoiled by one word that is no class (never blank: a blank word is what a line's split removes). */
  @Provide
  Arbitrary<String> badLists() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(12)
        .filter(w -> !w.contains(",") && !w.contains("=") && !w.contains("#")).map(w -> "SECRET" + w);
    return Arbitraries.oneOf(word,
        word.map(w -> "keys," + w),
        word.map(w -> w + ",pointer-motion"),
        Arbitraries.of("keys,", ",keys", "keys,,xvp", "all,keys", "none,keys"));
  }
}
