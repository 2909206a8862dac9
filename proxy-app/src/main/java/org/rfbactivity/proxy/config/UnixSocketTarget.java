package org.rfbactivity.proxy.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A VNC server listening on a Unix domain socket ({@code --unix-target PATH}, as websockify's option and Xvnc's
 * {@code -rfbunixpath}). The path is not checked at start: the server may create its socket after the proxy starts,
 * and a viewer that finds none is refused as for a TCP server that does not answer.
 */
public record UnixSocketTarget(Path path) implements Target {
  public UnixSocketTarget {
    Objects.requireNonNull(path, "path");
  }

  /** {@code unix:PATH}, as logs and the admin API show a target. */
  @Override
  public String toString() {
    return "unix:" + path;
  }
}
