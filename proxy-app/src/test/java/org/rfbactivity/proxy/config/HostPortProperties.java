package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class HostPortProperties {

  @Property
  void namesAndPortsRoundTrip(@ForAll("hostNames") String host, @ForAll @IntRange(min = 1, max = 65535) int port) {
    HostPort parsed = HostPort.parse(host + ":" + port, false);

    assertThat(parsed).isEqualTo(new HostPort(host, port));
    assertThat(HostPort.parse(parsed.toString(), false)).isEqualTo(parsed);
  }

  @Property
  void ipv6InBracketsRoundTrips(@ForAll("ipv6") String address, @ForAll @IntRange(min = 0, max = 65535) int port) {
    HostPort parsed = HostPort.parse("[" + address + "]:" + port, true);

    assertThat(parsed.host()).isEqualTo(address);
    assertThat(parsed.toString()).isEqualTo("[" + address + "]:" + port);
  }

  @Property
  void anyTextEitherParsesOrIsRefusedWithAReason(@ForAll String text, @ForAll boolean allowAnyPort) {
    try {
      HostPort parsed = HostPort.parse(text, allowAnyPort);
      assertThat(parsed.port()).isBetween(allowAnyPort ? 0 : 1, 65535);
      assertThat(parsed.host()).isNotEmpty().doesNotContain(" ", "/", "@");
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Property
  void portsOutsideTheRangeAreRefused(@ForAll("hostNames") String host,
      @ForAll @IntRange(min = 65536, max = Integer.MAX_VALUE) int port) {
    assertThatThrownBy(() -> HostPort.parse(host + ":" + port, true)).isInstanceOf(IllegalArgumentException.class);
  }

  @Example
  void targetsNeedARealPort() {
    assertThatThrownBy(() -> HostPort.parse("127.0.0.1:0", false)).hasMessage("port must be 1..65535");
    assertThat(HostPort.parse("127.0.0.1:0", true)).isEqualTo(new HostPort("127.0.0.1", 0));
  }

  @Example
  void bareIpv6IsRefused() {
    assertThatThrownBy(() -> HostPort.parse("::1:5900", false))
        .hasMessage("expected HOST:PORT (write IPv6 addresses as [addr]:PORT)");
  }

  @Provide
  Arbitrary<String> hostNames() {
    Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-').ofMinLength(1)
        .ofMaxLength(20);
    Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(l -> l.get(0) + "." + l.get(1) + "." + l.get(2) + "." + l.get(3));
    return Arbitraries.oneOf(label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l)), ipv4);
  }

  @Provide
  Arbitrary<String> ipv6() {
    return Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
        .map(l -> l.stream().map(Integer::toHexString).reduce((a, b) -> a + ":" + b).orElseThrow());
  }
}
