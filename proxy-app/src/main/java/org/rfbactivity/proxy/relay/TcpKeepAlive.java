package org.rfbactivity.proxy.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP keep-alive on every viewer and VNC server connection ({@code --tcp-keepalive-idle}, {@code -interval},
 * {@code -count}): after {@code idle} without any segment from the peer the kernel probes it every {@code interval},
 * and after {@code count} unanswered probes it resets the connection, which the relay reads as that side's error. So a
 * raw TCP viewer that vanished (a laptop closed, a network gone) is closed within idle + interval × count; without
 * tuning Linux would wait two hours before the first probe. (A side that still has unacknowledged data queued is
 * found by retransmission timeouts instead, not by keep-alive.)
 *
 * <p>The tuning options are the transport's: epoll's and io_uring's own, and for NIO the JDK's
 * {@link ExtendedSocketOptions}, which not every platform supports. Where a transport cannot tune them the
 * connection still gets {@code SO_KEEPALIVE} with the system's timings, and one warning says so. One per proxy.
 */
public final class TcpKeepAlive {

  private static final Logger log = LoggerFactory.getLogger(TcpKeepAlive.class);

  /** The kernel's limits (Linux {@code MAX_TCP_KEEPIDLE}, {@code MAX_TCP_KEEPINTVL}, {@code MAX_TCP_KEEPCNT}). */
  public static final int MAX_SECONDS = 32_767;
  public static final int MAX_COUNT = 127;

  private final boolean enabled;
  private final int idleSeconds;
  private final int intervalSeconds;
  private final int count;
  /** The transport's idle, interval and count options, in that order. */
  private final List<ChannelOption<Integer>> tuning;
  private final String transport;
  private final AtomicBoolean warned = new AtomicBoolean();

  private TcpKeepAlive(Transport transport, Duration idle, Duration interval, int count) {
    this.enabled = !idle.isZero();
    this.idleSeconds = (int) idle.toSeconds();
    this.intervalSeconds = (int) interval.toSeconds();
    this.count = count;
    this.tuning = options(transport);
    this.transport = transport.label();
  }

  /**
   * @param idle whole seconds, 1 to {@link #MAX_SECONDS}, or zero for no keep-alive at all
   * @param interval whole seconds, 1 to {@link #MAX_SECONDS}
   * @param count 1 to {@link #MAX_COUNT}
   */
  public static TcpKeepAlive of(Transport transport, Duration idle, Duration interval, int count) {
    checkSeconds("idle", idle, true);
    checkSeconds("interval", interval, false);
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("count must be 1 to " + MAX_COUNT + ": " + count);
    }
    return new TcpKeepAlive(transport, idle, interval, count);
  }

  private static void checkSeconds(String name, Duration d, boolean zeroAllowed) {
    if (d.isNegative() || d.toMillisPart() != 0 || d.toSeconds() > MAX_SECONDS || (d.isZero() && !zeroAllowed)) {
      throw new IllegalArgumentException(name + " must be whole seconds, " + (zeroAllowed ? 0 : 1) + " to "
          + MAX_SECONDS + ": " + d);
    }
  }

  private static List<ChannelOption<Integer>> options(Transport transport) {
    return switch (transport) {
      case EPOLL -> List.of(EpollChannelOption.TCP_KEEPIDLE, EpollChannelOption.TCP_KEEPINTVL,
          EpollChannelOption.TCP_KEEPCNT);
      case IO_URING -> List.of(IoUringChannelOption.TCP_KEEPIDLE, IoUringChannelOption.TCP_KEEPINTVL,
          IoUringChannelOption.TCP_KEEPCNT);
      case NIO -> List.of(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE),
          NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL),
          NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT));
    };
  }

  /** Sets keep-alive on a connection of this proxy's transport (before it is registered, or on its event loop). */
  public void apply(Channel ch) {
    ChannelConfig config = ch.config();
    config.setOption(ChannelOption.SO_KEEPALIVE, enabled);
    if (!enabled) {
      return;
    }
    boolean tuned = config.setOption(tuning.get(0), idleSeconds)
        & config.setOption(tuning.get(1), intervalSeconds)
        & config.setOption(tuning.get(2), count);
    if (!tuned && warned.compareAndSet(false, true)) {
      log.warn("the {} transport cannot tune TCP keep-alive here: connections use the system's keep-alive timings, "
          + "not --tcp-keepalive-idle/-interval/-count", transport);
    }
  }

  /** The options this transport tunes keep-alive with: idle, interval, count (for reading them back). */
  public List<ChannelOption<Integer>> tuningOptions() {
    return tuning;
  }

  @Override
  public String toString() {
    return enabled ? "idle=" + idleSeconds + "s interval=" + intervalSeconds + "s count=" + count : "off";
  }
}
