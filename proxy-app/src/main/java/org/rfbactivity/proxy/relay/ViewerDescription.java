package org.rfbactivity.proxy.relay;

import java.util.Objects;
import org.rfbactivity.proxy.route.Route;

/**
 * Who a routed viewer is: what its log lines say and what its observer tells the tracker. Fixed once the route is
 * known.
 *
 * @param id the connection's id ({@code v} and 16 hex digits)
 * @param frontend the listener it came through
 * @param remoteAddress its address as {@code ip:port}
 * @param route its session and VNC server
 */
public record ViewerDescription(String id, FrontendKind frontend, String remoteAddress, Route route) {
  public ViewerDescription {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(frontend, "frontend");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(route, "route");
  }
}
