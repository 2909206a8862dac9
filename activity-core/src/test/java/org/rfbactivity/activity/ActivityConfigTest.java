package org.rfbactivity.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rfbactivity.activity.store.ActivityStore;

class ActivityConfigTest {

  @Test
  void defaults() throws UnknownHostException {
    ActivityConfig config = ActivityConfig.defaults();
    assertThat(config.activeWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.persistInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.flushTick()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.maxRetryBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.closeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.countedKinds()).containsExactlyInAnyOrder(InputKind.KEY_PRESS, InputKind.POINTER_MOVE,
        InputKind.POINTER_BUTTON, InputKind.POINTER_WHEEL);
    assertThat(config.blindPolicy()).isEqualTo(BlindPolicy.ACTIVE_WHILE_SENDING);
    assertThat(config.replicaId()).as("the host name").isEqualTo(InetAddress.getLocalHost().getHostName());
    assertThat(config.ticker()).isSameAs(Ticker.systemTicker());
    assertThat(config.clock()).isEqualTo(Clock.systemUTC());
    assertThat(config.store()).isSameAs(ActivityStore.none());
    assertThat(config.listeners()).isEmpty();
    assertThat(config.metrics()).isSameAs(ActivityMetrics.noop());
    Thread thread = config.threadFactory().newThread(() -> { });
    assertThat(thread.getName()).isEqualTo("rfb-activity-flusher-" + config.replicaId());
    assertThat(thread.isDaemon()).isTrue();
  }

  @Test
  void durationsMustBePositive() {
    assertThatThrownBy(() -> ActivityConfig.builder().activeWindow(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("activeWindow must be > 0: PT0S");
    assertThatThrownBy(() -> ActivityConfig.builder().persistInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("persistInterval must be > 0: PT-1S");
    assertThatThrownBy(() -> ActivityConfig.builder().flushTick(Duration.ZERO))
        .hasMessage("flushTick must be > 0: PT0S");
    assertThatThrownBy(() -> ActivityConfig.builder().maxRetryBackoff(Duration.ZERO))
        .hasMessage("maxRetryBackoff must be > 0: PT0S");
    assertThatThrownBy(() -> ActivityConfig.builder().closeTimeout(Duration.ZERO))
        .hasMessage("closeTimeout must be > 0: PT0S");
    assertThatThrownBy(() -> ActivityConfig.builder().activeWindow(Duration.ofDays(2)))
        .hasMessage("activeWindow must be <= PT24H: PT48H");
    assertThat(ActivityConfig.builder().activeWindow(Duration.ofHours(24)).build().activeWindow())
        .isEqualTo(ActivitySettings.MAX_DURATION);
    assertThatThrownBy(() -> ActivityConfig.builder().activeWindow(null))
        .isInstanceOf(NullPointerException.class).hasMessage("activeWindow");
  }

  @Test
  void rulesAcrossSettingsAreCheckedAtBuild() {
    assertThatThrownBy(() -> ActivityConfig.builder().persistInterval(Duration.ofSeconds(60)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("persistInterval must be < activeWindow: PT1M >= PT1M");
    assertThatThrownBy(() -> ActivityConfig.builder().activeWindow(Duration.ofSeconds(20)).build())
        .hasMessage("persistInterval must be < activeWindow: PT30S >= PT20S");
    assertThatThrownBy(() -> ActivityConfig.builder().flushTick(Duration.ofSeconds(31)).build())
        .hasMessage("flushTick must be <= persistInterval: PT31S > PT30S")
        .isInstanceOfSatisfying(RuleViolation.class, v -> {
          assertThat(v.rule()).isEqualTo(ActivityConfig.Rule.TICK_WITHIN_PERSIST);
          assertThat(v.rule().setting()).isSameAs(ActivitySettings.FLUSH_TICK);
          assertThat(v.rule().other()).isSameAs(ActivitySettings.PERSIST_INTERVAL);
          assertThat(v.rule().relation().requirement()).isEqualTo("must not be longer than");
          assertThat(v.value()).isEqualTo(Duration.ofSeconds(31));
          assertThat(v.otherValue()).isEqualTo(Duration.ofSeconds(30));
        });
    assertThatThrownBy(() -> ActivityConfig.builder().flushTick(Duration.ofSeconds(5))
        .maxRetryBackoff(Duration.ofSeconds(4)).build())
        .hasMessage("maxRetryBackoff must be >= flushTick: PT4S < PT5S");
    ActivityConfig ok = ActivityConfig.builder().activeWindow(Duration.ofSeconds(3))
        .persistInterval(Duration.ofSeconds(1)).flushTick(Duration.ofMillis(100))
        .maxRetryBackoff(Duration.ofMillis(100)).build();
    assertThat(ok.flushTick()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void theRetryBackoffCapFollowsALongerTickUnlessItIsSet() {
    ActivityConfig slow = ActivityConfig.builder().activeWindow(Duration.ofMinutes(2))
        .persistInterval(Duration.ofSeconds(45)).flushTick(Duration.ofSeconds(45)).build();
    assertThat(slow.maxRetryBackoff()).as("a pause cannot be shorter than a tick").isEqualTo(Duration.ofSeconds(45));
    assertThat(ActivityConfig.builder().flushTick(Duration.ofSeconds(5)).build().maxRetryBackoff())
        .isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> ActivityConfig.builder().activeWindow(Duration.ofMinutes(2))
        .persistInterval(Duration.ofSeconds(45)).flushTick(Duration.ofSeconds(45))
        .maxRetryBackoff(Duration.ofSeconds(30)).build())
        .hasMessage("maxRetryBackoff must be >= flushTick: PT30S < PT45S");
  }

  @Test
  void everySettingButListenersMayBeSetOnce() {
    ActivityConfig.Builder b = ActivityConfig.builder().ticker(Ticker.systemTicker());
    assertThatThrownBy(() -> b.ticker(Ticker.systemTicker())).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("ticker was already set to ");
    b.activeWindow(Duration.ofSeconds(90));
    assertThatThrownBy(() -> b.activeWindow(Duration.ofSeconds(90)))
        .hasMessage("activeWindow was already set to PT1M30S");
    b.replicaId("r1");
    assertThatThrownBy(() -> b.replicaId("r2")).hasMessage("replicaId was already set to r1");
    b.store(ActivityStore.none());
    assertThatThrownBy(() -> b.store(ActivityStore.none()))
        .hasMessage("store was already set to ActivityStore.none()");
    ActivityListener first = t -> { };
    ActivityListener second = t -> { };
    assertThat(b.listener(first).listener(second).build().listeners()).containsExactly(first, second);
  }

  @Test
  void countedKindsMustNotBeEmptyAndAreCopied() {
    assertThatThrownBy(() -> ActivityConfig.builder().countedKinds(Set.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("countedKinds must not be empty");
    Set<InputKind> mutable = new HashSet<>(EnumSet.of(InputKind.KEY_PRESS));
    ActivityConfig config = ActivityConfig.builder().countedKinds(mutable).build();
    mutable.add(InputKind.NOISE);
    assertThat(config.countedKinds()).containsExactly(InputKind.KEY_PRESS);
    assertThatThrownBy(() -> config.countedKinds().add(InputKind.NOISE))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void blindTrafficCountsByTheBlindPolicyAlone() {
    assertThatThrownBy(() -> ActivityConfig.builder().countedKinds(Set.of(InputKind.KEY_PRESS,
        InputKind.BLIND_TRAFFIC))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("countedKinds must not contain BLIND_TRAFFIC (blindPolicy decides whether it counts)");
    ActivityConfig sending = ActivityConfig.builder().build();
    assertThat(sending.counts(InputKind.BLIND_TRAFFIC)).isTrue();
    assertThat(sending.counts(InputKind.KEY_PRESS)).isTrue();
    assertThat(sending.counts(InputKind.NOISE)).isFalse();
    ActivityConfig idle = ActivityConfig.builder().blindPolicy(BlindPolicy.IDLE_WHILE_CONNECTED).build();
    assertThat(idle.counts(InputKind.BLIND_TRAFFIC)).isFalse();
    assertThat(idle.counts(InputKind.POINTER_MOVE)).isTrue();
  }

  @Test
  void replicaIdIsValidated() {
    assertThatThrownBy(() -> ActivityConfig.builder().replicaId(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("replicaId must not be blank");
    assertThatThrownBy(() -> ActivityConfig.builder().replicaId("x".repeat(129)))
        .hasMessage("replicaId must be at most 128 characters: 129");
    assertThatThrownBy(() -> ActivityConfig.builder().replicaId("a\nb"))
        .hasMessage("replicaId must not contain control characters");
  }
}
