package org.rfbactivity.proxy.config;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Whether a raw TCP viewer's server-to-client bytes may move by {@code splice(2)} once the inspector no longer needs
 * them ({@code --splice}), where the proxy can splice at all (epoll, raw TCP without TLS, a TCP server).
 * {@link #AUTO} splices unless the viewer or the server is on a loopback address: between two loopback sockets the
 * copy that splicing saves is a cheap in-memory one, and the load runs measured splicing there at about 1.2× the
 * CPU per GB of copying and 0.8× its throughput (docs/architecture.md#splice). {@link #ON} splices wherever it can;
 * {@link #OFF} always copies through user space.
 */
public enum SpliceMode {
  AUTO,
  ON,
  OFF;

  /** As written on the command line and shown in logs: {@code auto}, {@code on} or {@code off}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a viewer at {@code viewer} whose server is at {@code server} is spliced, where splicing is possible.
   * A null address (not an IP connection) counts as a loopback one: nothing says the saved copy would be worth it.
   */
  public boolean splices(InetAddress viewer, InetAddress server) {
    return switch (this) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> viewer != null && server != null && !viewer.isLoopbackAddress() && !server.isLoopbackAddress();
    };
  }

  static SpliceMode parse(String text) {
    for (SpliceMode mode : values()) {
      if (mode.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException("expected auto, on or off");
  }
}
