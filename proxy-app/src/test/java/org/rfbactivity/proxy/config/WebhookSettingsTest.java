package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.activity.event.EventType;

/** The webhook settings: read from flags, environment and file, and each bad value refused with a clear message. */
class WebhookSettingsTest {

  private static final String[] ROUTE = {"--target", "127.0.0.1:5901", "--session-id", "s"};

  @TempDir
  Path dir;

  private static ProxyConfig parse(Map<String, String> env, String... args) {
    String[] all = new String[ROUTE.length + args.length];
    System.arraycopy(ROUTE, 0, all, 0, ROUTE.length);
    System.arraycopy(args, 0, all, ROUTE.length, args.length);
    return ProxyCommand.parse(all, env).config();
  }

  private static ProxyConfig parse(String... args) {
    return parse(Map.of(), args);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  @Test
  void offByDefault() {
    ProxyConfig c = parse();
    assertThat(c.webhookUrls()).isEmpty();
    assertThat(c.webhookSecret()).isNull();
    assertThat(c.webhookEvents()).isEqualTo(EnumSet.allOf(EventType.class));
    assertThat(c.webhookQueue()).isEqualTo(10_000);
    assertThat(c.webhookTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void everyWebhookFlagIsRead() throws IOException {
    byte[] key = new byte[32];
    key[0] = 7;
    Path secret = write("secret", "  whsec_" + Base64.getEncoder().encodeToString(key) + "\n\n");
    ProxyConfig c = parse("--webhook-url", "https://hooks.example.com/rfb?token=abc,http://127.0.0.1:8080/in",
        "--webhook-url", "https://other.example/x", "--webhook-secret-file", secret.toString(),
        "--webhook-events", "viewer.opened, viewer.closed", "--webhook-queue", "50", "--webhook-timeout", "750ms");

    assertThat(c.webhookUrls()).containsExactly("https://hooks.example.com/rfb?token=abc",
        "http://127.0.0.1:8080/in", "https://other.example/x");
    assertThat(c.webhookSecret()).as("trimmed, then base64 after whsec_").isEqualTo(key);
    assertThat(c.webhookEvents()).containsExactly(EventType.VIEWER_OPENED, EventType.VIEWER_CLOSED);
    assertThat(c.webhookQueue()).isEqualTo(50);
    assertThat(c.webhookTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(c.toString()).contains("webhooks=[https://hooks.example.com:443, http://127.0.0.1:8080, "
        + "https://other.example:443]", "webhookSecret=<masked>").doesNotContain("token=abc", "/rfb", "whsec_");
  }

  @Test
  void environmentAndConfigFileWorkLikeEveryOtherSetting() throws IOException {
    Path secret = write("secret", "a plain text secret of 24+ bytes\n");
    ProxyConfig fromEnv = parse(Map.of("RFBA_WEBHOOK_URL", "http://127.0.0.1:9/a",
        "RFBA_WEBHOOK_SECRET_FILE", secret.toString(), "RFBA_WEBHOOK_EVENTS", "session.state_changed"));
    assertThat(fromEnv.webhookUrls()).containsExactly("http://127.0.0.1:9/a");
    assertThat(fromEnv.webhookSecret()).isEqualTo("a plain text secret of 24+ bytes".getBytes(StandardCharsets.UTF_8));
    assertThat(fromEnv.webhookEvents()).containsExactly(EventType.SESSION_STATE_CHANGED);

    Path file = write("proxy.properties", "webhook-url = http://127.0.0.1:9/b\nwebhook-secret-file = " + secret
        + "\nwebhook-queue = 3\n");
    ProxyConfig fromFile = parse("--config", file.toString());
    assertThat(fromFile.webhookUrls()).containsExactly("http://127.0.0.1:9/b");
    assertThat(fromFile.webhookQueue()).isEqualTo(3);
  }

  @Test
  void aBadUrlIsNamedWithoutItsPathOrQuery() throws IOException {
    Path secret = write("secret", "a plain text secret of 24+ bytes");
    String s = secret.toString();
    assertThatThrownBy(() -> parse("--webhook-url", "ftp://example.com/in?token=t0ps3cret", "--webhook-secret-file", s))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--webhook-url=ftp://example.com: expected http://HOST[:PORT]/PATH or https://HOST[:PORT]/PATH");
    assertThatThrownBy(() -> parse("--webhook-url", "hooks.example.com/in", "--webhook-secret-file", s))
        .hasMessage("--webhook-url=<masked>: expected http://HOST[:PORT]/PATH or https://HOST[:PORT]/PATH");
    assertThatThrownBy(() -> parse("--webhook-url", "https://user:pw@example.com/in", "--webhook-secret-file", s))
        .hasMessage("--webhook-url=https://example.com:443: expected no user:password@ (put a token in the path or "
            + "query instead)");
    assertThatThrownBy(() -> parse("--webhook-url", "http://a b/", "--webhook-secret-file", s))
        .hasMessageStartingWith("--webhook-url=<masked>: expected http");
    assertThatThrownBy(() -> parse("--webhook-url", "http://x.example/a?k=1", "--webhook-url", "http://x.example/a?k=1",
        "--webhook-secret-file", s))
        .hasMessage("--webhook-url=http://x.example:80: given twice");
  }

  @Test
  void theSecretFileMustBeReadableAndLongEnough() throws IOException {
    String url = "http://127.0.0.1:9/a";
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> parse("--webhook-url", url, "--webhook-secret-file", missing.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--webhook-secret-file=" + missing + ": not a readable file");
    Path blank = write("blank", "  \n");
    assertThatThrownBy(() -> parse("--webhook-url", url, "--webhook-secret-file", blank.toString()))
        .hasMessage("--webhook-secret-file=" + blank + ": file is empty");
    Path empty = write("empty", "");
    assertThatThrownBy(() -> parse("--webhook-url", url, "--webhook-secret-file", empty.toString()))
        .hasMessage("--webhook-secret-file=" + empty + ": file is empty");
    Path shortOne = write("short", "whsec_c2hvcnQ=\n");
    assertThatThrownBy(() -> parse("--webhook-url", url, "--webhook-secret-file", shortOne.toString()))
        .hasMessage("--webhook-secret-file=" + shortOne + ": the secret must be at least 24 bytes (192 bits), found 5");
    Path notBase64 = write("garbled", "whsec_not*base64*at*all*not*base64*at*all\n");
    assertThatThrownBy(() -> parse("--webhook-url", url, "--webhook-secret-file", notBase64.toString()))
        .hasMessage("--webhook-secret-file=" + notBase64 + ": expected base64 after whsec_");
  }

  @Test
  void settingsThatNeedEachOther() throws IOException {
    Path secret = write("secret", "a plain text secret of 24+ bytes");
    assertThatThrownBy(() -> parse("--webhook-url", "http://127.0.0.1:9/a"))
        .hasMessage("--webhook-secret-file: missing: --webhook-url needs a signing secret");
    assertThatThrownBy(() -> parse("--webhook-secret-file", secret.toString()))
        .hasMessage("--webhook-secret-file: has no use without --webhook-url");
    assertThatThrownBy(() -> parse("--webhook-events", "viewer.opened"))
        .hasMessage("--webhook-events: has no use without --webhook-url");
  }

  @Test
  void badEventTypesQueuesAndTimeoutsAreNamed() throws IOException {
    Path secret = write("secret", "a plain text secret of 24+ bytes");
    String[] on = {"--webhook-url", "http://127.0.0.1:9/a", "--webhook-secret-file", secret.toString()};
    assertThatThrownBy(() -> parse(with(on, "--webhook-events", "viewer.opened,session.started")))
        .hasMessage("--webhook-events=session.started: expected one of session.state_changed, viewer.opened, "
            + "viewer.closed, session.idle_warning, viewer.max_duration_warning, viewer.disconnected_by_policy");
    assertThatThrownBy(() -> parse(with(on, "--webhook-queue", "0")))
        .hasMessage("--webhook-queue=0: must be 1 to 1000000");
    assertThatThrownBy(() -> parse(with(on, "--webhook-queue", "many")))
        .hasMessage("--webhook-queue=many: expected a whole number");
    assertThatThrownBy(() -> parse(with(on, "--webhook-timeout", "0s")))
        .hasMessageStartingWith("--webhook-timeout=0s: ");
  }

  private static String[] with(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
