package org.rfbactivity.proxy.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * A real TigerVNC Xvnc (None, then VncAuth) showing {@code xclock -update 1}, the real Java client vernacular
 * through the raw TCP frontend, and a real (embedded) PostgreSQL: {@link ActivityScenario}.
 */
@ExtendWith(LeakWatch.class)
class XvncVernacularIT {

  static EmbeddedPostgres pg;

  @BeforeAll
  static void database() throws IOException {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  @Test
  void securityTypeNone() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithoutAuth(1024, 768)) {
      scenario(xvnc, "desk-vernacular-none", null, "None");
    }
  }

  @Test
  void securityTypeVncAuth() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithVncAuth(800, 600, "secret12")) {
      scenario(xvnc, "desk-vernacular-vncauth", "secret12", "VncAuth");
    }
  }

  private static void scenario(XvncServer xvnc, String sessionId, String password, String security) throws Exception {
    xvnc.startX11Client("xclock", "-update", "1");
    try (TestProxy proxy = TestProxy.start(E2e.args(pg, xvnc, sessionId, ActivityScenario.FLAGS));
        VernacularDriver viewer = new VernacularDriver(proxy.tcp(), password)) {
      new ActivityScenario(proxy, pg.getPostgresDatabase(), sessionId, security).run(viewer);
    }
  }
}
