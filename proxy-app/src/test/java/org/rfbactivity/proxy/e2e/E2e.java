package org.rfbactivity.proxy.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rfbactivity.rfb.testing.XvncServer;

/** Command lines for end-to-end proxies. */
final class E2e {

  private E2e() {}

  /** A proxy with a static route to {@code xvnc} that stores into {@code pg}, plus {@code extra} flags. */
  static String[] args(EmbeddedPostgres pg, XvncServer xvnc, String sessionId, String[] timings, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--target", "127.0.0.1:" + xvnc.port(), "--session-id", sessionId,
        "--store", "postgres", "--jdbc-url", pg.getJdbcUrl("postgres", "postgres")));
    args.addAll(Arrays.asList(timings));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }
}
