package org.rfbactivity.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * The dashboard's files on a real admin port behind a token: served without it (they hold no data), byte for byte as
 * in the jar, each with its type and a Content-Security-Policy that allows only this origin; the API it calls still
 * requires the token; an unknown asset is 404, a method other than GET 405.
 */
@ExtendWith(LeakWatch.class)
class DashboardIT {

  static final String TOKEN = "admin-token-0123456789";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  @TempDir
  Path dir;

  @Test
  void pageAndAssetsWithoutTheTokenAndTheApiStillBehindIt() throws Exception {
    Path token = Files.writeString(dir.resolve("admin-token"), TOKEN + "\n", StandardCharsets.UTF_8);
    try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5999", "--session-id", "desk",
        "--admin-token-file", token.toString())) {
      assertAsset(proxy, "/", "index.html", "text/html; charset=utf-8");
      assertAsset(proxy, "/dashboard/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8");
      assertAsset(proxy, "/dashboard/dashboard.css", "dashboard.css", "text/css; charset=utf-8");

      HttpResponse<String> unknown = proxy.admin("/dashboard/other.js");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).isEqualTo("not found\n");
      HttpResponse<String> around = proxy.admin("/dashboard/../api/sessions");
      assertThat(around.statusCode()).as("no way around the token: an asset name, looked up, never a path")
          .isEqualTo(404);
      assertThat(around.body()).isEqualTo("not found\n");
      assertThat(proxy.admin("/api/sessions").statusCode()).isEqualTo(401);
      assertThat(proxy.admin("/api/sessions", TOKEN).statusCode()).isEqualTo(200);

      HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + proxy.server().adminAddress().getPort() + "/"))
          .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  private static void assertAsset(TestProxy proxy, String path, String resource, String type) throws Exception {
    HttpResponse<String> r = proxy.admin(path);
    byte[] expected;
    try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + resource)) {
      expected = in.readAllBytes();
    }
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    assertThat(r.body()).as(path).isEqualTo(new String(expected, StandardCharsets.UTF_8));
    assertThat(r.headers().firstValue("content-type")).as(path).hasValue(type);
    assertThat(r.headers().firstValue("content-security-policy")).as(path).hasValue(CSP);
    assertThat(r.headers().firstValue("x-content-type-options")).as(path).hasValue("nosniff");
    assertThat(r.headers().firstValue("referrer-policy")).as(path).hasValue("no-referrer");
    assertThat(r.headers().firstValue("cache-control")).as(path).hasValue("no-cache");
    assertThat(r.headers().firstValue("content-length")).as(path).hasValue(String.valueOf(expected.length));
  }
}
