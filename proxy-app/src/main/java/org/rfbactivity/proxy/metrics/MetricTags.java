package org.rfbactivity.proxy.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
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
    return labels(FrontendKind.values(), FrontendKind::label);
  }

  /** {@code reason} of {@code vnc_proxy_viewers_closed_total}. */
  static List<String> closeReasons() {
    return labels(CloseReason.values(), CloseReason::label);
  }

  /**
   * {@code reason} of {@code vnc_proxy_connections_refused_total}: a refusal reason, or the close reason of a
   * connection that ended before it became a viewer.
   */
  static List<String> refusalReasons() {
    List<String> labels = closeReasons();
    labels.addAll(labels(RefusalReason.values(), RefusalReason::label));
    return labels;
  }

  /** {@code reason} of {@code vnc_proxy_viewers_blind}: the codec's blind reasons. */
  static List<String> blindReasons() {
    return labels(BlindReason.values(), BlindReason::name);
  }

  /** {@code reason} of {@code vnc_activity_blind_viewers_total}: the codec's, and the uninspected viewers' own. */
  static List<String> trackerBlindReasons() {
    List<String> names = blindReasons();
    names.add(UninspectedObserver.NOT_INSPECTED);
    return names;
  }

  private static <E extends Enum<E>> List<String> labels(E[] values, Function<E, String> label) {
    List<String> labels = new ArrayList<>(values.length);
    for (E value : values) {
      labels.add(label.apply(value));
    }
    return labels;
  }
}
