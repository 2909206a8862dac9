package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.TestProxy;

/** The proxy builds the webhook sink from its settings, registers its meters, and stops its threads when it stops. */
class WebhookWiringTest {

  @TempDir
  Path dir;

  @Test
  void theProxyStartsAndStopsTheSink() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "a plain text secret of 24+ bytes\n");
    String scrape;
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5901", "--session-id", "s",
        "--webhook-url", "http://127.0.0.1:9/hooks?token=t0ps3cret", "--webhook-secret-file", secret.toString())) {
      scrape = proxy.server().meterRegistry().scrape();
      assertThat(webhookThreads()).as("one sender for the one endpoint").isPositive();
    }
    assertThat(scrape).contains("vnc_proxy_webhook_events_total{endpoint=\"127.0.0.1:9\",outcome=\"dropped\"} 0.0",
        "vnc_proxy_webhook_queue_depth{endpoint=\"127.0.0.1:9\"} 0.0").doesNotContain("t0ps3cret");
    assertThat(webhookThreads()).as("every rfba-webhook thread ended with the proxy").isZero();
  }

  @Test
  void aMissingSecretFileStopsTheStartWithExitStatus2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path missing = dir.resolve("missing");
    Main.Launch l = Main.launch(new String[] {"--target", "127.0.0.1:5901", "--session-id", "s",
        "--webhook-url", "http://127.0.0.1:9/hooks", "--webhook-secret-file", missing.toString()}, Map.of(),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(l.exitCode()).isEqualTo(Main.EXIT_CONFIG).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("rfb-activity-proxy: --webhook-secret-file=" + missing + ": not a readable file\n");
  }

  private static long webhookThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("rfba-webhook") && t.isAlive()).count();
  }
}
