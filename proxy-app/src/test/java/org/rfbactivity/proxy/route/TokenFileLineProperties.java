package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.rfbactivity.proxy.config.HostPort;

class TokenFileLineProperties {

  @Property
  void wellFormedLinesAreRead(@ForAll("tokens") String token, @ForAll("hosts") String host,
      @ForAll @IntRange(min = 1, max = 65535) int port, @ForAll("blanks") String gap) {
    Map<String, HostPort> routes = new HashMap<>();

    String problem = TokenFileRouteResolver.parseLine(token + ":" + gap + host + ":" + port, routes);

    assertThat(problem).isNull();
    assertThat(routes).containsExactly(Map.entry(token, new HostPort(host, port)));
  }

  @Property
  void anyLineIsReadOrRefusedWithAReasonThatDoesNotRepeatIt(@ForAll("secretish") String line) {
    Map<String, HostPort> routes = new HashMap<>();

    String problem = TokenFileRouteResolver.parseLine(line, routes);

    if (problem == null) {
      assertThat(routes).hasSize(1);
    } else {
      assertThat(routes).isEmpty();
      assertThat(problem).doesNotContain("SECRET");
    }
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings().withCharRange('!', '~').excludeChars(':').ofMinLength(1).ofMaxLength(64);
  }

  @Provide
  Arbitrary<String> hosts() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('.', '-').ofMinLength(1).ofMaxLength(40);
  }

  @Provide
  Arbitrary<String> blanks() {
    return Arbitraries.strings().withChars(' ', '\t').ofMinLength(1).ofMaxLength(3);
  }

  /** Arbitrary lines that contain a marker a leaky error message would repeat. */
  @Provide
  Arbitrary<String> secretish() {
    return Arbitraries.strings().all().ofMaxLength(60).map(s -> "SECRET" + s);
  }
}
