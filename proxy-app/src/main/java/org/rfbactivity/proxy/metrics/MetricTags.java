package org.rfbactivity.proxy.metrics;

import java.util.ArrayList;
import java.util.List;
import org.rfbactivity.proxy.bridge.UninspectedObserver;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.FrontendKind;
import org.rfbactivity.proxy.relay.RefusalReason;
import org.rfbactivity.rfb.BlindReason;

/**
 * Every tag value a meter may carry that is known in advance, taken from the enums that define them, so that each
 * series can be registered at zero before its first event (see {@link ProxyMetrics#declare}).
 */
final class MetricTags {

  private MetricTags() {}

  /** {@code frontend} of {@code vnc_proxy_viewers_opened_total}. */
  static List<String> frontends() {
    List<String> labels = new ArrayList<>();
    for (FrontendKind kind : FrontendKind.values()) {
      labels.add(kind.label());
    }
    return labels;
  }

  /** {@code reason} of {@code vnc_proxy_viewers_closed_total}. */
  static List<String> closeReasons() {
    List<String> labels = new ArrayList<>();
    for (CloseReason reason : CloseReason.values()) {
      labels.add(reason.label());
    }
    return labels;
  }

  /**
   * {@code reason} of {@code vnc_proxy_connections_refused_total}: a refusal reason, or the close reason of a
   * connection that ended before it became a viewer.
   */
  static List<String> refusalReasons() {
    List<String> labels = closeReasons();
    for (RefusalReason reason : RefusalReason.values()) {
      labels.add(reason.label());
    }
    return labels;
  }

  /** {@code reason} of {@code vnc_proxy_viewers_blind}: the codec's blind reasons. */
  static List<String> blindReasons() {
    List<String> names = new ArrayList<>();
    for (BlindReason reason : BlindReason.values()) {
      names.add(reason.name());
    }
    return names;
  }

  /** {@code reason} of {@code vnc_activity_blind_viewers_total}: the codec's, and the uninspected viewers' own. */
  static List<String> trackerBlindReasons() {
    List<String> names = blindReasons();
    names.add(UninspectedObserver.NOT_INSPECTED);
    return names;
  }
}
