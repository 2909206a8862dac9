package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A configuration built in code is held to the command line's defaults, checks and rules. */
class ProxyConfigTest {

  static final Routing.Static ROUTE = new Routing.Static("desk-1", new HostPort("127.0.0.1", 5901));

  @Test
  void theBuilderStartsFromTheCommandLinesDefaults() {
    ProxyConfig fromCode = ProxyConfig.builder().routing(ROUTE).build();
    ProxyConfig fromFlags = ProxyCommand.parse(new String[] {"--target", "127.0.0.1:5901", "--session-id", "desk-1"},
        Map.of()).config();

    assertThat(fromCode.toString()).isEqualTo(fromFlags.toString());
    assertThat(fromCode.tcpListen()).as("on with a static route").isEqualTo(new HostPort("127.0.0.1", 5900));
    assertThat(ProxyConfig.builder().routing(new Routing.RouteQuery("select 1")).build().tcpListen())
        .as("off with any other routing").isNull();
  }

  @Test
  void valuesGivenInCodeAreCheckedAsFlagsAre() {
    assertThatThrownBy(() -> ProxyConfig.builder().routing(ROUTE).maxConnections(0).build())
        .isInstanceOf(ConfigException.class).hasMessage("--max-connections=0: must be at least 1");
    assertThatThrownBy(() -> ProxyConfig.builder().routing(ROUTE).handshakeTimeout(Duration.ofHours(25)).build())
        .hasMessage("--handshake-timeout=25h: must be at most 24h");
    assertThatThrownBy(() -> ProxyConfig.builder().routing(ROUTE).replicaId(" ").build())
        .hasMessage("--replica-id= : expected 1..128 characters without control characters");
    assertThatThrownBy(() -> ProxyConfig.builder().routing(ROUTE).flushTick(Duration.ofSeconds(45)).build())
        .hasMessage("--flush-tick=45s: must not be longer than --persist-interval (30s)");
  }

  @Test
  void aBlankReplicaIdIsRefusedBeforeAnythingStarts() {
    // activity-core refuses it; the proxy used to accept it and fail only once the database was up.
    assertThatThrownBy(() -> ProxyCommand.parse(new String[] {"--target", "127.0.0.1:5901", "--session-id", "s",
        "--replica-id", "  "}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--replica-id=  : expected 1..128 characters without control characters");
  }

  @Test
  void theControlChannelIsAnIdentifierOfItsOwn() {
    assertThat(ProxyConfig.builder().routing(ROUTE).build().controlChannel()).isEqualTo("rfb_activity_control");
    assertThat(ProxyConfig.builder().routing(ROUTE).controlChannel("ops_control").build().controlChannel())
        .isEqualTo("ops_control");
    assertThatThrownBy(() -> ProxyConfig.builder().routing(ROUTE).controlChannel("Ops-Control").build())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("--control-channel=Ops-Control: ");
    assertThatThrownBy(() -> ProxyConfig.builder().routing(ROUTE).notifyChannel("ops").controlChannel("ops").build())
        .isInstanceOf(ConfigException.class).hasMessage("--control-channel=ops: same channel as --notify-channel");
  }
}
