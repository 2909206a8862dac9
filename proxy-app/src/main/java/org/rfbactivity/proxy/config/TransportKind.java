package org.rfbactivity.proxy.config;

import java.util.Locale;

/**
 * Which network transport the proxy's event loops use ({@code --transport}). {@link #AUTO} takes the best one this
 * machine offers; the others insist on theirs, and a start where it is unavailable fails naming why.
 */
public enum TransportKind {
  AUTO,
  IO_URING,
  EPOLL,
  NIO;

  /** As written on the command line and shown in logs and metrics: {@code auto}, {@code io_uring} … */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static TransportKind parse(String text) {
    for (TransportKind kind : values()) {
      if (kind.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new IllegalArgumentException("expected auto, io_uring, epoll or nio");
  }
}
