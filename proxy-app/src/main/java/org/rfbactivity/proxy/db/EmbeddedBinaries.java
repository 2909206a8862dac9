package org.rfbactivity.proxy.db;

import java.util.List;

/**
 * Whether this jar carries the embedded PostgreSQL's binaries. The slim jar ({@code rfb-activity-proxy-slim.jar})
 * leaves them out, for an external database or the memory store; asked for the embedded default it says so in one
 * line instead of failing deep inside zonky.
 */
final class EmbeddedBinaries {

  /**
   * The archives of the binaries artifacts proxy-app/pom.xml ships (zonky's names: system and architecture). Any of
   * them present means this is the full jar; zonky then picks this platform's and names what it misses itself.
   */
  private static final List<String> ARCHIVES = List.of("postgres-linux-x86_64.txz", "postgres-linux-arm_64.txz",
      "postgres-darwin-x86_64.txz", "postgres-windows-x86_64.txz");

  private EmbeddedBinaries() {
  }

  static boolean present() {
    ClassLoader loader = EmbeddedBinaries.class.getClassLoader();
    return ARCHIVES.stream().anyMatch(archive -> loader.getResource(archive) != null);
  }
}
