package org.rfbactivity.proxy.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A relay under test running as its own process (haproxy, websockify, the rfb-activity proxy jar). */
final class ExternalRelay implements AutoCloseable {

  /** USER_HZ: the unit of utime/stime in /proc/PID/stat on Linux, and so of {@link #cpuTicks()}. */
  static final double CLOCK_TICKS_PER_SECOND = 100.0;

  private final Process process;

  private ExternalRelay(Process process) {
    this.process = process;
  }

  /** Starts {@code command} and waits until every port in {@code ports} accepts connections. */
  static ExternalRelay start(String name, List<String> command, Path workDir, int... ports)
      throws IOException, InterruptedException {
    Path log = workDir.resolve(name + ".log");
    Process process = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    ExternalRelay relay = new ExternalRelay(process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int port : ports) {
      while (!accepts(port)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          relay.close();
          throw new IOException(name + " did not start listening on " + port + "; see " + log + ":\n"
              + tail(log));
        }
        Thread.sleep(50); // a benchmark driver polling a child process, not a test
      }
    }
    return relay;
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  long pid() {
    return process.pid();
  }

  /**
   * CPU time consumed so far by the relay and its live child processes (websockify forks one per connection), in
   * clock ticks of {@code /proc/PID/stat} (1/100 s on Linux). Read before and after a window, it gives the relay's own
   * cost independently of how the 2 shared cores were scheduled.
   *
   * @param user   time in the relay's own code
   * @param system time the kernel spent on the relay's behalf (its socket calls, and the loopback delivery to the
   *               receiving socket that runs in the sender's context)
   */
  record CpuTicks(long user, long system) {
    static final CpuTicks NONE = new CpuTicks(0, 0);

    long total() {
      return user + system;
    }

    CpuTicks plus(CpuTicks other) {
      return new CpuTicks(user + other.user, system + other.system);
    }
  }

  /** The relay's {@link CpuTicks} so far, each process's {@code /proc/PID/stat} read once. */
  CpuTicks cpuTicks() {
    CpuTicks ticks = ticksOf(process.pid());
    for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
      ticks = ticks.plus(ticksOf(child.pid()));
    }
    return ticks;
  }

  /** The relay's resident set ({@code VmRSS} of {@code /proc/PID/status}), in KiB. */
  long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
  }

  private static CpuTicks ticksOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (proc(5)).
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new CpuTicks(Long.parseLong(fields[11]), Long.parseLong(fields[12]));
    } catch (IOException | RuntimeException e) {
      return CpuTicks.NONE; // the process ended between listing and reading: its time is no longer attributable
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
