package org.rfbactivity.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when Netty's leak detector (paranoid in every test JVM, parent pom) reports a buffer that was
 * never released. After the test it collects garbage and allocates tracked buffers, which is when the detector
 * looks for collected-but-unreleased buffers and logs {@code LEAK:}.
 */
public final class LeakWatch implements BeforeEachCallback, AfterEachCallback {

  private static final String DETECTOR_LOGGER = ResourceLeakDetector.class.getName();

  private ListAppender<ILoggingEvent> appender;

  @Override
  public void beforeEach(ExtensionContext context) {
    assertThat(ResourceLeakDetector.getLevel()).as("leak detection level")
        .isEqualTo(ResourceLeakDetector.Level.PARANOID);
    appender = new ListAppender<>();
    appender.start();
    detectorLogger().addAppender(appender);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      for (int round = 0; round < 4; round++) {
        System.gc();
        for (int i = 0; i < 200; i++) {
          ByteBuf pooled = ByteBufAllocator.DEFAULT.directBuffer(16);
          pooled.release();
          ByteBuf heap = Unpooled.buffer(16);
          heap.release();
        }
      }
      List<String> leaks = appender.list.stream()
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("LEAK"))
          .collect(Collectors.toList());
      assertThat(leaks).as("Netty leak reports").isEmpty();
    } finally {
      detectorLogger().detachAppender(appender);
    }
  }

  private static Logger detectorLogger() {
    return (Logger) LoggerFactory.getLogger(DETECTOR_LOGGER);
  }
}
