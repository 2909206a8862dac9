package org.rfbactivity.proxy;

import java.io.PrintStream;
import java.util.Map;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.ProxyCommand;
import org.rfbactivity.proxy.config.ProxyConfig;
import org.rfbactivity.proxy.db.DatabaseStartException;

/**
 * Command-line entry point: parse, start, and stop on SIGTERM/SIGINT. A bad setting prints one line naming it
 * and exits with status 2 before anything listens; a startup failure of another kind (the embedded PostgreSQL
 * cannot start, another proxy holds {@code --data-dir}) exits with 1. After SIGTERM or SIGINT it exits with 0 once
 * everything stopped, 1 when part of the stop failed.
 */
public final class Main {

  /** Exit status for a bad setting (unknown flag, bad value, unreadable file, port in use …). */
  public static final int EXIT_CONFIG = 2;
  /** Exit status for any other startup failure, and for a stop that failed. */
  public static final int EXIT_FAILURE = 1;

  private Main() {}

  public static void main(String[] args) {
    Launch launch = launch(args, System.getenv(), System.out, System.err);
    if (launch.server() == null) {
      System.exit(launch.exitCode());
    }
    StopOnSignal.install(launch.server());
    // The event loops are non-daemon threads: the JVM keeps serving after main returns, until a signal.
  }

  /** What {@link #launch} did: a running server, or an exit status (0 after --help or --version). */
  public record Launch(int exitCode, ProxyServer server) {}

  /** Parses, validates and starts; prints help, version or the one-line error. */
  public static Launch launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    ProxyConfig config;
    try {
      ProxyCommand.Parsed parsed = ProxyCommand.parse(args, env);
      if (parsed.isHelpOrVersion()) {
        out.print(parsed.helpOrVersion());
        out.flush();
        return new Launch(0, null);
      }
      config = parsed.config();
    } catch (ConfigException e) {
      err.println("rfb-activity-proxy: " + e.getMessage());
      return new Launch(EXIT_CONFIG, null);
    }
    ProxyServer server = new ProxyServer(config);
    try {
      server.start();
      return new Launch(0, server);
    } catch (ConfigException e) {
      err.println("rfb-activity-proxy: " + e.getMessage());
      return new Launch(EXIT_CONFIG, null);
    } catch (DatabaseStartException e) {
      err.println("rfb-activity-proxy: startup failed: " + e.getMessage());
      return new Launch(EXIT_FAILURE, null);
    } catch (RuntimeException e) {
      err.println("rfb-activity-proxy: startup failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      return new Launch(EXIT_FAILURE, null);
    }
  }
}
