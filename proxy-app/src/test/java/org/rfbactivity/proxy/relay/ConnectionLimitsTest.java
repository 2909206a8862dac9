package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rfbactivity.proxy.relay.ConnectionLimits.Admission.ADMITTED;
import static org.rfbactivity.proxy.relay.ConnectionLimits.Admission.LIMIT;
import static org.rfbactivity.proxy.relay.ConnectionLimits.Admission.SOURCE_BLOCKED;
import static org.rfbactivity.proxy.relay.ConnectionLimits.Admission.SOURCE_LIMIT;
import static org.rfbactivity.proxy.relay.ConnectionLimits.Admission.SOURCE_RATE;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Total and per-source limits, the per-source rate, and the failure back-off, on a fake clock. */
class ConnectionLimitsTest {

  final AtomicLong now = new AtomicLong(1_000_000_000L);

  private ConnectionLimits limits(int total, int perSource, int rate) {
    return new ConnectionLimits(total, perSource, rate, now::get);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  static InetAddress ip(String address) throws Exception {
    return InetAddress.getByName(address);
  }

  @Test
  void theTotalLimitCountsEverySourceAndFreesOnRelease() throws Exception {
    ConnectionLimits limits = limits(2, 0, 0);
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(ADMITTED);
    assertThat(limits.admit(ip("10.0.0.2"))).isEqualTo(ADMITTED);
    assertThat(limits.admit(ip("10.0.0.3"))).isEqualTo(LIMIT);
    limits.release(ip("10.0.0.1"));
    assertThat(limits.admit(ip("10.0.0.3"))).isEqualTo(ADMITTED);
    assertThat(limits.open()).isEqualTo(2);
    assertThat(limits.trackedSources()).as("no per-source limit: nothing tracked").isZero();
  }

  @Test
  void aSourceMayHoldItsLimitAndNoMore() throws Exception {
    ConnectionLimits limits = limits(100, 2, 0);
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(ADMITTED);
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(ADMITTED);
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(SOURCE_LIMIT);
    assertThat(limits.admit(ip("10.0.0.2"))).as("another source").isEqualTo(ADMITTED);
    limits.release(ip("10.0.0.1"));
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(ADMITTED);
    assertThat(limits.open()).isEqualTo(3);
  }

  @Test
  void anIpv6SourceIsItsSlash64() throws Exception {
    ConnectionLimits limits = limits(100, 1, 0);
    assertThat(limits.admit(ip("2001:db8:1:2::1"))).isEqualTo(ADMITTED);
    assertThat(limits.admit(ip("2001:db8:1:2:ffff::9"))).as("same /64").isEqualTo(SOURCE_LIMIT);
    assertThat(limits.admit(ip("2001:db8:1:3::1"))).as("another /64").isEqualTo(ADMITTED);
    assertThat(limits.admit(ip("::ffff:10.0.0.1"))).as("IPv4-mapped is its IPv4 address").isEqualTo(ADMITTED);
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(SOURCE_LIMIT);
  }

  @Test
  void theRateAllowsABurstOfTwoSecondsThenRefillsAtTheRate() throws Exception {
    ConnectionLimits limits = limits(1000, 0, 5);
    for (int i = 0; i < 10; i++) {
      assertThat(limits.admit(ip("10.0.0.1"))).as("connection %d of the burst", i).isEqualTo(ADMITTED);
    }
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(SOURCE_RATE);
    assertThat(limits.admit(ip("10.0.0.2"))).as("another source has its own bucket").isEqualTo(ADMITTED);
    advance(Duration.ofMillis(199));
    assertThat(limits.admit(ip("10.0.0.1"))).as("not yet one token").isEqualTo(SOURCE_RATE);
    advance(Duration.ofMillis(1));
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(ADMITTED);
    assertThat(limits.admit(ip("10.0.0.1"))).isEqualTo(SOURCE_RATE);
    assertThat(limits.open()).as("refused connections are not counted").isEqualTo(12);
  }

  @Test
  void failedAuthenticationsBlockASourceForDoublingTimesUntilOneSucceeds() throws Exception {
    ConnectionLimits limits = limits(1000, 10, 0);
    InetAddress guesser = ip("10.0.0.9");
    for (int i = 0; i < ConnectionLimits.FAILURES_BEFORE_BLOCK - 1; i++) {
      limits.authenticationFailed(guesser);
    }
    assertThat(limits.admit(guesser)).isEqualTo(ADMITTED);
    limits.release(guesser);
    limits.authenticationFailed(guesser);
    assertThat(limits.admit(guesser)).isEqualTo(SOURCE_BLOCKED);
    assertThat(limits.admit(ip("10.0.0.10"))).as("other sources are not affected").isEqualTo(ADMITTED);

    advance(ConnectionLimits.FIRST_BLOCK.minusNanos(1));
    assertThat(limits.admit(guesser)).isEqualTo(SOURCE_BLOCKED);
    advance(Duration.ofNanos(1));
    assertThat(limits.admit(guesser)).isEqualTo(ADMITTED);
    limits.release(guesser);

    limits.authenticationFailed(guesser); // one more failure after the block: blocked again, for twice as long
    advance(ConnectionLimits.FIRST_BLOCK.multipliedBy(2).minusNanos(1));
    assertThat(limits.admit(guesser)).isEqualTo(SOURCE_BLOCKED);
    advance(Duration.ofNanos(1));
    assertThat(limits.admit(guesser)).isEqualTo(ADMITTED);

    limits.authenticated(guesser); // a success forgets everything
    limits.authenticationFailed(guesser);
    assertThat(limits.admit(guesser)).isEqualTo(ADMITTED);
  }

  @Test
  void theLongestBlockIsCapped() throws Exception {
    ConnectionLimits limits = limits(1000, 10, 0);
    InetAddress guesser = ip("10.0.0.9");
    for (int i = 0; i < ConnectionLimits.FAILURES_BEFORE_BLOCK + 20; i++) {
      limits.authenticationFailed(guesser);
      advance(ConnectionLimits.LONGEST_BLOCK); // each block has expired when the next failure comes
    }
    limits.authenticationFailed(guesser);
    advance(ConnectionLimits.LONGEST_BLOCK.minusNanos(1));
    assertThat(limits.admit(guesser)).isEqualTo(SOURCE_BLOCKED);
    advance(Duration.ofNanos(1));
    assertThat(limits.admit(guesser)).isEqualTo(ADMITTED);
  }

  @Test
  void withoutPerSourceLimitsFailuresBlockNobody() throws Exception {
    ConnectionLimits limits = limits(1000, 0, 0);
    for (int i = 0; i < 20; i++) {
      limits.authenticationFailed(ip("10.0.0.9"));
    }
    assertThat(limits.admit(ip("10.0.0.9"))).isEqualTo(ADMITTED);
  }

  @Test
  void sourcesWithNothingToRememberAreForgotten() throws Exception {
    ConnectionLimits limits = limits(100_000, 10, 5);
    for (int i = 0; i < ConnectionLimits.SWEEP_EVERY - 2; i++) {
      InetAddress a = InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i});
      assertThat(limits.admit(a)).isEqualTo(ADMITTED);
      limits.release(a);
    }
    limits.authenticationFailed(ip("10.2.0.1"));
    InetAddress holder = ip("10.3.0.1");
    assertThat(limits.admit(holder)).isEqualTo(ADMITTED);
    assertThat(limits.trackedSources()).isEqualTo(ConnectionLimits.SWEEP_EVERY);
    advance(Duration.ofSeconds(ConnectionLimits.BURST_SECONDS)); // every bucket is full again
    assertThat(limits.admit(ip("10.4.0.1"))).as("admission %d sweeps", ConnectionLimits.SWEEP_EVERY)
        .isEqualTo(ADMITTED);
    assertThat(limits.trackedSources()).as("the one that failed, the two that hold a connection").isEqualTo(3);
  }
}
