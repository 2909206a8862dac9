package org.rfbactivity.proxy.ws;

import java.time.Duration;
import java.util.Objects;

/**
 * When the proxy pings a quiet WebSocket viewer and how long it waits for the answer ({@code --ws-ping-interval},
 * {@code --ws-pong-timeout}); see {@link WebSocketPing}.
 *
 * @param interval how long a viewer may send nothing before it is pinged; zero for no pings
 * @param pongTimeout how long it then has to send something (its pong) before it is closed with {@code no_pong}
 */
public record PingSchedule(Duration interval, Duration pongTimeout) {

  public PingSchedule {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(pongTimeout, "pongTimeout");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must be >= 0: " + interval);
    }
    if (pongTimeout.isZero() || pongTimeout.isNegative()) {
      throw new IllegalArgumentException("pongTimeout must be > 0: " + pongTimeout);
    }
  }

  /** Whether viewers are pinged at all; without pings TCP keep-alive still finds a vanished viewer, later. */
  public boolean enabled() {
    return !interval.isZero();
  }
}
