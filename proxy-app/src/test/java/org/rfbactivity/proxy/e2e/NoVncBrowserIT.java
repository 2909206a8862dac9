package org.rfbactivity.proxy.e2e;

import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * noVNC 1.7 (npm) in headless Debian chromium through the WebSocket frontend ({@code /vnc/{id}}):
 * {@link ActivityScenario}. The page is served from another origin than the proxy's, which
 * {@code --allowed-origin} admits.
 */
class NoVncBrowserIT extends ActivityE2e {

  @Override
  void scenario(XvncServer xvnc, String sessionId, String password, String securityType) throws Exception {
    try (NoVncDriver viewer = NoVncDriver.start();
        TestProxy proxy = TestProxy.start(E2e.args(pg, xvnc, sessionId, ActivityScenario.FLAGS,
            "--allowed-origin", viewer.origin()))) {
      viewer.target("ws://127.0.0.1:" + proxy.ws().getPort() + "/vnc/" + sessionId, password);
      new ActivityScenario(proxy, pg.getPostgresDatabase(), sessionId, securityType).run(viewer);
    }
  }
}
