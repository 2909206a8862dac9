package org.rfbactivity.proxy.route;

import java.util.Objects;
import org.rfbactivity.proxy.config.HostPort;

/**
 * Where one viewer goes: the session it belongs to and the VNC server to connect, as decided by the
 * configured routing (never by the client). {@code kind} names the routing for logs.
 */
public record Route(String sessionId, HostPort target, String kind) {
  public Route {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(kind, "kind");
  }
}
