package org.rfbactivity.proxy.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.proxy.relay.HandshakeOutcome;

/**
 * The time an accepted connection has to become a viewer ({@code --handshake-timeout}): armed at accept, stopped when
 * its observer says it is one or when it ends; if it fires first, the relay closes the connection
 * ({@code handshake_timeout}). It covers TLS, the WebSocket upgrade, the route, the connection to the VNC server and
 * the RFB handshake, since a client can stall any of them. Owned by the observer, which is what decides when the
 * handshake is over.
 */
final class HandshakeTimer {

  private final ScheduledFuture<?> timer;

  HandshakeTimer(EventLoop loop, Duration timeout, HandshakeOutcome relay) {
    this.timer = loop.schedule(relay::handshakeTimedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  void stop() {
    timer.cancel(false);
  }
}
