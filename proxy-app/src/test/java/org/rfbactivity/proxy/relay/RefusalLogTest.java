package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** At most ten lines a minute per reason, then one line that says how many were left out. */
class RefusalLogTest {

  final AtomicLong now = new AtomicLong(5_000_000_000L);
  final RefusalLog refusals = new RefusalLog(now::get);
  final Logger logger = (Logger) LoggerFactory.getLogger("org.rfbactivity.proxy.viewer");
  final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void attach() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
  }

  private List<String> lines() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void eachReasonLogsTenLinesAMinuteThenCountsWhatItLeftOut() {
    for (int i = 0; i < 25; i++) {
      refusals.refused("limit", null, "tcp", "10.0.0.1:" + i, "more than 5 connections");
    }
    refusals.refused("origin", "v1", "ws", "10.0.0.2:1", null);
    assertThat(lines()).hasSize(11);
    assertThat(lines().get(0))
        .isEqualTo("viewer refused id=none frontend=tcp remote=10.0.0.1:0 reason=limit detail=\"more than 5 connections\"");
    assertThat(lines().get(10)).isEqualTo("viewer refused id=v1 frontend=ws remote=10.0.0.2:1 reason=origin");

    now.addAndGet(RefusalLog.WINDOW.toNanos() - 1);
    refusals.refused("limit", null, "tcp", "10.0.0.1:99", null);
    assertThat(lines()).as("still the same window").hasSize(11);
    now.addAndGet(1);
    refusals.refused("limit", null, "tcp", "10.0.0.1:100", null);
    assertThat(lines()).hasSize(12);
    assertThat(lines().get(11)).isEqualTo("viewer refused id=none frontend=tcp remote=10.0.0.1:100 reason=limit "
        + "(16 more refusals for this reason were not logged in the window before)");
  }
}
