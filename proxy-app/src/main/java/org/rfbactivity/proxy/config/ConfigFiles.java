package org.rfbactivity.proxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files named by settings: read once at start, so that a missing or empty one stops the proxy before it serves
 * anyone. Problems are thrown as {@link IllegalArgumentException} saying what is wrong, without the path, which the
 * setting adds.
 */
final class ConfigFiles {

  private ConfigFiles() {}

  static Path readable(String text) {
    Path path = Path.of(text);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException("not a readable file");
    }
    return path;
  }

  /** A readable directory, as its real path (symbolic links resolved), so that files are checked against it. */
  static Path directory(String text) {
    Path path = Path.of(text);
    if (!Files.isDirectory(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException("not a readable directory");
    }
    try {
      return path.toRealPath();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot resolve: " + e.getClass().getSimpleName());
    }
  }

  /** A readable file, or a readable directory (a websockify token directory: every regular file in it is read). */
  static Path readableFileOrDirectory(String text) {
    Path path = Path.of(text);
    if (Files.isDirectory(path) && Files.isReadable(path)) {
      return path;
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException("not a readable file or directory");
    }
    return path;
  }

  /**
   * Reads a one-line secret file; the trailing line break an editor adds is not part of the secret. Secrets are only
   * read from files, so they never appear in {@code ps} or a shell history.
   */
  static String secret(String text, int minLength) {
    Path path = readable(text);
    String secret;
    try {
      secret = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read: " + e.getClass().getSimpleName());
    }
    secret = secret.endsWith("\r\n") ? secret.substring(0, secret.length() - 2)
        : secret.endsWith("\n") ? secret.substring(0, secret.length() - 1) : secret;
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("file is empty");
    }
    if (secret.length() < minLength) {
      throw new IllegalArgumentException("must hold at least " + minLength + " characters");
    }
    return secret;
  }
}
