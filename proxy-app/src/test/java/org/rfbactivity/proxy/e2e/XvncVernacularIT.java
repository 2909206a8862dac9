package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * The real Java client vernacular through the raw TCP frontend: {@link ActivityScenario}; and a real Xvnc killed
 * under a connected viewer.
 */
class XvncVernacularIT extends ActivityE2e {

  @Test
  void aKilledVncServerDisconnectsItsSession() throws Exception {
    String sessionId = "desk-killed";
    try (XvncServer xvnc = XvncServer.startWithoutAuth(640, 480);
        TestProxy proxy = TestProxy.start(E2e.args(pg, xvnc, sessionId, ActivityScenario.FLAGS));
        VernacularDriver viewer = new VernacularDriver(proxy.tcp(), null)) {
      viewer.connect();
      await().atMost(Duration.ofSeconds(10)).until(() -> "ACTIVE".equals(storedState(sessionId)));

      xvnc.kill();

      await().atMost(Duration.ofSeconds(10)).until(() -> "DISCONNECTED".equals(storedState(sessionId)));
      assertThat(proxy.server().connectedViewers()).isZero();
      // A killed Xvnc resets or closes the connection, depending on what the kernel still had queued.
      double byServer = proxy.server().meterRegistry().find("vnc.proxy.viewers.closed").counters().stream()
          .filter(c -> c.getId().getTag("reason").startsWith("server_"))
          .mapToDouble(Counter::count).sum();
      assertThat(byServer).as("closed because of the server").isEqualTo(1.0);
    }
  }

  private static String storedState(String sessionId) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT state FROM rfb_session_status WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Override
  void scenario(XvncServer xvnc, String sessionId, String password, String securityType) throws Exception {
    try (TestProxy proxy = TestProxy.start(E2e.args(pg, xvnc, sessionId, ActivityScenario.FLAGS));
        VernacularDriver viewer = new VernacularDriver(proxy.tcp(), password)) {
      new ActivityScenario(proxy, pg.getPostgresDatabase(), sessionId, securityType).run(viewer);
    }
  }
}
