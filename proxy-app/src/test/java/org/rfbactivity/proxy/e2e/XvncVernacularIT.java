package org.rfbactivity.proxy.e2e;

import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/** The real Java client vernacular through the raw TCP frontend: {@link ActivityScenario}. */
class XvncVernacularIT extends ActivityE2e {

  @Override
  void scenario(XvncServer xvnc, String sessionId, String password, String securityType) throws Exception {
    try (TestProxy proxy = TestProxy.start(E2e.args(pg, xvnc, sessionId, ActivityScenario.FLAGS));
        VernacularDriver viewer = new VernacularDriver(proxy.tcp(), password)) {
      new ActivityScenario(proxy, pg.getPostgresDatabase(), sessionId, securityType).run(viewer);
    }
  }
}
