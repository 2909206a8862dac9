package org.rfbactivity.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WriteFlood;

@ExtendWith(LeakWatch.class)
class AdminHttpIT {

  static final String TOKEN = "admin-token-0123456789";

  @TempDir
  Path dir;

  @Test
  void probesAndMetrics() throws Exception {
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk")) {
      HttpResponse<String> health = proxy.admin("/healthz");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");

      HttpResponse<String> ready = proxy.admin("/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(ready.body())
          .isEqualTo("{\"ready\":true,\"checks\":{\"listeners\":\"accepting\",\"store\":\"memory\"}}");

      HttpResponse<String> metrics = proxy.admin("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(metrics.body()).contains(
          "vnc_proxy_viewers_open 0.0",
          "vnc_proxy_route_table_stale 0.0",
          "vnc_proxy_relayed_bytes_total{direction=\"client_to_server\"} 0.0",
          "vnc_proxy_relayed_bytes_total{direction=\"server_to_client\"} 0.0",
          "jvm_memory_used_bytes",
          "jvm_gc_memory_allocated_bytes_total",
          "jvm_threads_live_threads",
          "process_uptime_seconds");
      // Every tag value known in advance is there at zero before its first event: Prometheus's increase() and rate()
      // cannot see the first increment of a series that appears with it, and a dashboard can tell 0 from "unknown".
      assertThat(metrics.body()).contains(
          "vnc_proxy_viewers_opened_total{frontend=\"tcp\"} 0.0",
          "vnc_proxy_viewers_opened_total{frontend=\"ws\"} 0.0",
          "vnc_proxy_viewers_closed_total{reason=\"client_closed\"} 0.0",
          "vnc_proxy_viewers_closed_total{reason=\"handshake_timeout\"} 0.0",
          "vnc_proxy_connections_refused_total{reason=\"limit\"} 0.0",
          "vnc_proxy_connections_refused_total{reason=\"origin\"} 0.0",
          "vnc_proxy_connections_refused_total{reason=\"route\"} 0.0",
          "vnc_proxy_viewers_blind{reason=\"encrypted_security_type\"} 0.0",
          "vnc_activity_blind_viewers_total{reason=\"encrypted_security_type\"} 0.0",
          "vnc_activity_blind_viewers_total{reason=\"not_inspected\"} 0.0",
          "vnc_activity_inputs_total{kind=\"KEY_PRESS\"} 0.0",
          "vnc_activity_transitions_total{from=\"CONNECTED_IDLE\",to=\"ACTIVE\"} 0.0",
          "vnc_activity_sessions{state=\"ACTIVE\"} 0.0",
          "vnc_activity_sessions{state=\"CONNECTED_IDLE\"} 0.0",
          "vnc_activity_sessions{state=\"DISCONNECTED\"} 1.0",
          "vnc_activity_updates_total{table=\"rfb_session_activity\"} 0.0");
    }
  }

  @Test
  void sessionsAndErrors() throws Exception {
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk")) {
      assertThat(proxy.admin("/api/sessions/nope").statusCode()).isEqualTo(404);
      assertThat(proxy.admin("/api/sessions/nope").body()).isEqualTo("{\"error\":\"unknown session\"}");
      assertThat(proxy.admin("/nothing-here").statusCode()).isEqualTo(404);

      HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + proxy.server().adminAddress().getPort() + "/api/sessions"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("allow")).hasValue("GET");
    }
  }

  @Test
  void aClientThatPipelinesRequestsAndNeverReadsIsNotAnsweredWithoutBound() throws Exception {
    long limit = 64L * 1024 * 1024;
    // Padded so that a request is about as long as its answer (~150 bytes): what the proxy reads, it must queue.
    byte[] request = ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(100) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk");
        SocketChannel ch = SocketChannel.open(proxy.server().adminAddress())) {
      long taken = WriteFlood.untilStalled(ch, request, limit, Duration.ofSeconds(3));

      assertThat(taken).as("bytes of requests the admin port read while its answers went unread")
          .isLessThan(limit / 2);
    }
  }

  @Test
  void bearerTokenGuardsEverythingButTheProbes() throws Exception {
    Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk",
        "--admin-token-file", token.toString())) {
      assertThat(proxy.admin("/healthz").statusCode()).isEqualTo(200);
      assertThat(proxy.admin("/readyz").statusCode()).isEqualTo(200);
      for (String path : new String[] {"/metrics", "/api/sessions", "/api/sessions/desk"}) {
        HttpResponse<String> anonymous = proxy.admin(path);
        assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"rfb-activity\"");
        assertThat(proxy.admin(path, "wrong-token-0123456789").statusCode()).as(path).isEqualTo(401);
        assertThat(proxy.admin(path, TOKEN).statusCode()).as(path).isIn(200, 404);
      }
      assertThat(proxy.admin("/metrics", TOKEN).statusCode()).isEqualTo(200);
    }
  }
}
