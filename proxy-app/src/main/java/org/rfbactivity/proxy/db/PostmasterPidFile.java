package org.rfbactivity.proxy.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The first lines of PostgreSQL's {@code postmaster.pid} in a data directory: the postmaster's pid and the data
 * directory it serves. The file outlives a server that was killed, so the process it names need not be running, nor
 * even be PostgreSQL any more.
 */
record PostmasterPidFile(long pid, Path dataDirectory) {

  static final String FILE_NAME = "postmaster.pid";

  /** The file of {@code pgdata}, or empty when there is none or it is not (yet) complete. */
  static Optional<PostmasterPidFile> read(Path pgdata) {
    List<String> lines;
    try {
      lines = Files.readAllLines(pgdata.resolve(FILE_NAME), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // unreadable: PostgreSQL itself will refuse to start and say why
    }
    if (lines.size() < 2 || !lines.get(0).trim().matches("[0-9]{1,18}")) {
      return Optional.empty();
    }
    long pid = Long.parseLong(lines.get(0).trim());
    return pid <= 0 ? Optional.empty() : Optional.of(new PostmasterPidFile(pid, Path.of(lines.get(1).trim())));
  }

  /** Removes the file of a server known to be gone, so that a new one does not mistake its pid for a live server. */
  static void delete(Path pgdata) throws IOException {
    Files.deleteIfExists(pgdata.resolve(FILE_NAME));
  }
}
