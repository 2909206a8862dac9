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
 * noVNC 1.7 (npm) in headless Debian chromium through the WebSocket frontend, in front of a real Xvnc showing
 * {@code xclock -update 1}, with a real (embedded) PostgreSQL: {@link ActivityScenario}. The page is served from
 * another origin than the proxy's, which {@code --allowed-origin} admits.
 */
@ExtendWith(LeakWatch.class)
class NoVncBrowserIT {

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
      scenario(xvnc, "desk-novnc-none", null, "None");
    }
  }

  @Test
  void securityTypeVncAuth() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithVncAuth(1024, 768, "secret12")) {
      scenario(xvnc, "desk-novnc-vncauth", "secret12", "VncAuth");
    }
  }

  private static void scenario(XvncServer xvnc, String sessionId, String password, String security) throws Exception {
    xvnc.startX11Client("xclock", "-update", "1");
    try (NoVncDriver viewer = NoVncDriver.start();
        TestProxy proxy = TestProxy.start(E2e.args(pg, xvnc, sessionId, ActivityScenario.FLAGS,
            "--allowed-origin", viewer.origin()))) {
      viewer.target("ws://127.0.0.1:" + proxy.ws().getPort() + "/vnc/" + sessionId, password);
      new ActivityScenario(proxy, pg.getPostgresDatabase(), sessionId, security).run(viewer);
    }
  }
}
