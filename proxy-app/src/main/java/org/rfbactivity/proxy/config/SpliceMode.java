package org.rfbactivity.proxy.config;

import java.util.Locale;

/**
 * Whether a raw TCP viewer's server-to-client bytes may move by {@code splice(2)} once the inspector no longer needs
 * them ({@code --splice}). {@link #AUTO} splices wherever it can (epoll, raw TCP without TLS, a TCP server);
 * {@link #OFF} always copies through user space.
 */
public enum SpliceMode {
  AUTO,
  OFF;

  /** As written on the command line and shown in logs: {@code auto} or {@code off}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static SpliceMode parse(String text) {
    for (SpliceMode mode : values()) {
      if (mode.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException("expected auto or off");
  }
}
