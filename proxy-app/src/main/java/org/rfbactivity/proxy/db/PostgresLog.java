package org.rfbactivity.proxy.db;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * PostgreSQL's own output (initdb, pg_ctl and the server's log) for one run of the proxy: {@code postgres.log} in
 * {@code --data-dir}, the run before kept as {@code postgres.log.1}. A file rather than a pipe, because the server
 * outlives the pg_ctl that started it and nothing should have to drain it; and a failed start's reason can be read
 * back from it.
 */
final class PostgresLog {

  static final String FILE_NAME = "postgres.log";
  /** How much of the end of the file is searched for the reason of a failure. */
  private static final int TAIL_BYTES = 16 * 1024;
  /** A reason is cut to this many characters. */
  private static final int MAX_REASON = 240;

  private final Path file;

  private PostgresLog(Path file) {
    this.file = file;
  }

  /** Starts this run's log, keeping the previous run's as {@code postgres.log.1}. */
  static PostgresLog rotate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      Files.move(file, dataDir.resolve(FILE_NAME + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.createFile(file);
    return new PostgresLog(file);
  }

  Path file() {
    return file;
  }

  /**
   * The newest line saying why PostgreSQL or one of its tools gave up ({@code FATAL:}, {@code PANIC:} or a tool's
   * {@code error:}), cut to a few hundred characters; empty when there is none.
   */
  Optional<String> lastProblem() {
    String tail;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, f.length() - TAIL_BYTES);
      byte[] bytes = new byte[(int) (f.length() - start)];
      f.seek(start);
      f.readFully(bytes);
      tail = new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    String[] lines = tail.split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      String line = lines[i].strip();
      int at = problemStart(line);
      if (at >= 0) {
        String reason = line.substring(at).replaceAll("\\s+", " ");
        return Optional.of(reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "…");
      }
    }
    return Optional.empty();
  }

  private static int problemStart(String line) {
    for (String marker : new String[] {"FATAL:", "PANIC:", "error:"}) {
      int at = line.indexOf(marker);
      if (at >= 0) {
        return marker.equals("error:") ? 0 : at;
      }
    }
    return -1;
  }
}
