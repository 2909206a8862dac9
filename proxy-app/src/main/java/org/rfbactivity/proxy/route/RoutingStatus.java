package org.rfbactivity.proxy.route;

import java.util.Objects;

/**
 * What a routing source reports on {@code /readyz} (check {@code routes}) and in the metric
 * {@code vnc_proxy_route_table_stale}.
 *
 * @param summary one line for operators, e.g. {@code token file: 12 routes}; never a token
 * @param stale true while the source serves an older table because it cannot read the current one
 */
public record RoutingStatus(String summary, boolean stale) {
  public RoutingStatus {
    Objects.requireNonNull(summary, "summary");
  }
}
