package org.rfbactivity.proxy.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The PostgreSQL server of one data directory, as its {@code postmaster.pid} names it, checked before anything is
 * done to it: the file outlives a killed server, and its pid may since belong to an unrelated process, which must
 * never be signalled. A process is the directory's server when its program is {@code postgres} and it was started
 * with {@code -D} that directory, which is how pg_ctl (and so zonky) starts it.
 */
final class Postmaster {

  /** What {@code postmaster.pid} names right now. */
  enum State {
    /** No file, or its pid is not running. */
    NONE,
    /** A postgres process serving this data directory. */
    RUNNING,
    /** A running process that is not this directory's server: the pid was reused and the file is stale. */
    UNRELATED,
    /** A running process whose program and arguments cannot be read here, so it cannot be told apart. */
    UNKNOWN
  }

  /** The answer of {@link #find}: the state, the pid the file names (0 without a file), the process if running. */
  record Found(State state, long pid, ProcessHandle process) {}

  private static final Path PROC_SELF = Path.of("/proc/self");
  private static final Duration EXIT_POLL = Duration.ofMillis(50);

  private Postmaster() {}

  static Found find(Path pgdata) {
    Optional<PostmasterPidFile> file = PostmasterPidFile.read(pgdata);
    if (file.isEmpty()) {
      return new Found(State.NONE, 0, null);
    }
    long pid = file.get().pid();
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(Postmaster::isRunning);
    if (process.isEmpty()) {
      return new Found(State.NONE, pid, null);
    }
    return new Found(identify(process.get(), pgdata), pid, process.get());
  }

  /** Whether {@code process} is a postgres started with {@code -D pgdata}, read from its command line. */
  static State identify(ProcessHandle process, Path pgdata) {
    ProcessHandle.Info info = process.info();
    Optional<String> command = info.command();
    Optional<String[]> arguments = info.arguments();
    if (command.isEmpty() || arguments.isEmpty()) {
      return State.UNKNOWN;
    }
    // Linux shows the program of a process whose binary was replaced since as "path (deleted)".
    String program = Path.of(command.get().replaceFirst(" \\(deleted\\)$", "")).getFileName().toString();
    if (!program.equals("postgres") && !program.equals("postgres.exe")) {
      return State.UNRELATED;
    }
    String[] args = arguments.get();
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("-D") && sameDirectory(Path.of(args[i + 1]), pgdata)) {
        return State.RUNNING;
      }
    }
    return State.UNRELATED;
  }

  private static boolean sameDirectory(Path a, Path b) {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
      return true;
    }
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Stops a server {@link #identify identified} as this directory's: SIGTERM first (PostgreSQL's smart shutdown,
   * quick once its clients are gone), then SIGKILL to it and its children if it is still there after {@code grace}.
   *
   * @return true when the server and its children are gone
   */
  static boolean stop(ProcessHandle postmaster, Duration grace) {
    List<ProcessHandle> children = postmaster.descendants().collect(Collectors.toList());
    postmaster.destroy();
    if (awaitExit(postmaster, grace)) {
      return true; // a smart shutdown ends the children before the postmaster exits
    }
    postmaster.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    boolean gone = awaitExit(postmaster, grace);
    for (ProcessHandle child : children) {
      gone &= awaitExit(child, grace);
    }
    return gone;
  }

  /**
   * Whether the process still runs. One that has exited but was not reaped (a zombie) counts as gone: a server is
   * orphaned by the pg_ctl that started it and reaped by whatever runs as pid 1, which in a container may be the
   * proxy's JVM, which never reaps it. {@link ProcessHandle#isAlive()} counts a zombie as alive, so on Linux the
   * state in {@code /proc/PID/stat} decides.
   */
  static boolean isRunning(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      // No such entry: gone since, if this system has /proc at all; without /proc, isAlive() is all there is.
      return !Files.isDirectory(PROC_SELF);
    }
    // "pid (command) S …": the command may contain anything, the state follows its last ')'.
    int close = stat.lastIndexOf(')');
    char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
    return state != 'Z' && state != 'X';
  }

  /**
   * Waits until the process is gone, looking every {@link #EXIT_POLL}: polled rather than awaited through
   * {@code onExit()}, which never completes for a zombie.
   */
  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isRunning(process)) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(EXIT_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !isRunning(process);
      }
    }
    return true;
  }
}
