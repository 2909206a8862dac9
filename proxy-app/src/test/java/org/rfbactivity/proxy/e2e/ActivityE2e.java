package org.rfbactivity.proxy.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * {@link ActivityScenario} against a real TigerVNC Xvnc showing {@code xclock -update 1}, once with security
 * type None and once with VncAuth, storing into a real (embedded) PostgreSQL. Subclasses bring the viewer.
 */
@ExtendWith(LeakWatch.class)
abstract class ActivityE2e {

  static final String PASSWORD = "secret12";

  static EmbeddedPostgres pg;

  @BeforeAll
  static void database() throws IOException {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopDatabase() throws IOException {
    pg.close();
  }

  @Test
  void securityTypeNone() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithoutAuth(1024, 768)) {
      xvnc.startX11Client("xclock", "-update", "1");
      scenario(xvnc, getClass().getSimpleName() + "-none", null, "None");
    }
  }

  @Test
  void securityTypeVncAuth() throws Exception {
    try (XvncServer xvnc = XvncServer.startWithVncAuth(1024, 768, PASSWORD)) {
      xvnc.startX11Client("xclock", "-update", "1");
      scenario(xvnc, getClass().getSimpleName() + "-vncauth", PASSWORD, "VncAuth");
    }
  }

  /** Runs the scenario for session {@code sessionId} through the proxy with this class's viewer. */
  abstract void scenario(XvncServer xvnc, String sessionId, String password, String securityType) throws Exception;
}
