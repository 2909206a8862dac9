package org.rfbactivity.proxy.config;

import java.util.Objects;

/**
 * A {@code host:port} pair as written in flags and routing files: {@code 127.0.0.1:5901}, {@code desk-1:5900},
 * {@code [::1]:5900}. Parsing never resolves names (that happens when the proxy connects, on the event loop).
 */
public record HostPort(String host, int port) implements Target {

  /** Longest DNS name (RFC 1035 §2.3.4); anything longer is not a host we could reach. */
  private static final int MAX_HOST_LENGTH = 253;

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
      throw new IllegalArgumentException("host must be 1.." + MAX_HOST_LENGTH + " characters");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
  }

  /**
   * Parses {@code host:port}. {@code allowAnyPort} admits port 0 (listen on an ephemeral port, handy in tests);
   * targets need a real port.
   *
   * @throws IllegalArgumentException with a reason that does not repeat the input
   */
  public static HostPort parse(String text, boolean allowAnyPort) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected HOST:PORT");
    }
    String value = text.trim();
    String host;
    String portText;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("expected [IPv6]:PORT");
      }
      host = value.substring(1, close);
      portText = value.substring(close + 2);
    } else {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || value.indexOf(':') != colon) {
        throw new IllegalArgumentException("expected HOST:PORT (write IPv6 addresses as [addr]:PORT)");
      }
      host = value.substring(0, colon);
      portText = value.substring(colon + 1);
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
      throw new IllegalArgumentException("host is empty or contains a space, '/' or '@'");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number");
    }
    int min = allowAnyPort ? 0 : 1;
    if (port < min || port > 65_535) {
      throw new IllegalArgumentException("port must be " + min + "..65535");
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
