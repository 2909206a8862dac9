package org.rfbactivity.proxy.admin;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The dashboard's page and assets on the admin port: {@code GET /} and {@code GET /dashboard/*}, the project's own
 * HTML, JavaScript and CSS from the jar (no CDN, no build step). They hold no data, so they are served without the
 * admin token; the page asks for the token and sends it on the API calls it makes. Every answer carries a
 * Content-Security-Policy that allows nothing but this origin: no inline script or style, no other host, no framing.
 */
final class Dashboard {

  static final String PREFIX = "/dashboard/";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final String RESOURCES = "dashboard/";

  /** By request path: the three files, read once from the jar; immutable, so shared by every connection. */
  private static final Map<String, Asset> ASSETS = Map.of(
      "/", Asset.load("index.html", "text/html; charset=utf-8"),
      PREFIX + "dashboard.js", Asset.load("dashboard.js", "text/javascript; charset=utf-8"),
      PREFIX + "dashboard.css", Asset.load("dashboard.css", "text/css; charset=utf-8"));

  private Dashboard() {}

  /** Whether a request path is the dashboard's (then {@link #answer} answers it, 404 for an unknown asset). */
  static boolean serves(String path) {
    return path.equals("/") || path.startsWith(PREFIX);
  }

  static FullHttpResponse answer(String path) {
    Asset asset = ASSETS.get(path);
    byte[] bytes = asset == null ? "not found\n".getBytes(StandardCharsets.UTF_8) : asset.bytes();
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        asset == null ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.OK, Unpooled.wrappedBuffer(bytes));
    HttpHeaders h = r.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, asset == null ? "text/plain; charset=utf-8" : asset.contentType())
        .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    return r;
  }

  /** One file: its bytes are wrapped, not copied, by every answer, and nothing ever writes to them. */
  private record Asset(byte[] bytes, String contentType) {

    static Asset load(String name, String contentType) {
      try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCES + name)) {
        if (in == null) {
          throw new IllegalStateException("dashboard resource missing from the jar: " + name);
        }
        return new Asset(in.readAllBytes(), contentType);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
