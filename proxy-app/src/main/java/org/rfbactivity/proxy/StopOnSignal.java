package org.rfbactivity.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Stops the proxy on SIGTERM or SIGINT and then exits with 0, or with 1 when part of the stop failed. Left to the
 * JVM, those signals run the shutdown hooks and exit with 128 + the signal (143, 130), which supervisors count as a
 * crash. A shutdown hook stays for every other way the JVM ends (SIGHUP, {@code System.exit} elsewhere).
 */
final class StopOnSignal {

  private static final Logger log = LoggerFactory.getLogger(StopOnSignal.class);

  private StopOnSignal() {}

  static void install(ProxyServer server) {
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "rfba-shutdown"));
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        // The JVM runs the handler on a thread of its own per signal; a second signal waits for the first stop.
        Signal.handle(new Signal(name), signal -> stopAndExit(server, signal));
      } catch (IllegalArgumentException e) {
        // The JVM keeps the signal (-Xrs) or the platform lacks it: the shutdown hook still stops the proxy.
        log.warn("SIG{} is not handled here ({}); it stops the proxy through the shutdown hook", name, e.getMessage());
      }
    }
  }

  private static void stopAndExit(ProxyServer server, Signal signal) {
    log.info("SIG{} received", signal.getName());
    boolean clean;
    try {
      clean = server.stop();
    } catch (RuntimeException | Error e) {
      log.error("shutdown failed", e);
      clean = false;
    }
    System.exit(clean ? 0 : Main.EXIT_FAILURE);
  }
}
