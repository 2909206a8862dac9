package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.proxy.testing.WsTransport;

/**
 * {@code --web DIR} through a real proxy on 127.0.0.1, with raw HTTP/1.1 on a socket so that every path reaches the
 * proxy exactly as written (no client normalises {@code ..} away): bytes, content types, caching headers, HEAD, 404s,
 * every traversal form, no listings, keep-alive; and the WebSocket upgrade on the same port still relays RFB.
 */
@ExtendWith(LeakWatch.class)
class StaticFilesIT {

  /** 2022-01-01T00:00:00Z: a fixed modification time, so that Last-Modified is an exact value. */
  static final Instant MODIFIED = Instant.parse("2022-01-01T00:00:00Z");
  static final String LAST_MODIFIED = "Sat, 01 Jan 2022 00:00:00 GMT";

  @TempDir
  Path dir;
  Path web;
  final RfbScript script = RfbScript.random(11, 4096, 512);
  ScriptedRfbServer desk;
  TestProxy proxy;
  final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void start() throws Exception {
    web = Files.createDirectories(dir.resolve("web"));
    Files.writeString(dir.resolve("secret.txt"), "outside\n");
    Files.createDirectories(dir.resolve("outside-dir"));
    Files.writeString(dir.resolve("outside-dir/index.html"), "outside index\n");
    desk = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    desk.close();
    pool.shutdownNow();
  }

  private void startProxy(String... extra) {
    List<String> args = new ArrayList<>(List.of("--target", desk.target(), "--session-id", "desk", "--web",
        web.toString()));
    args.addAll(List.of(extra));
    proxy = TestProxy.start(args.toArray(String[]::new));
  }

  private Path file(String name, byte[] bytes) throws IOException {
    Path f = web.resolve(name);
    Files.createDirectories(f.getParent());
    Files.write(f, bytes);
    Files.setLastModifiedTime(f, FileTime.from(MODIFIED));
    return f;
  }

  @Test
  void filesWithTheirExactBytesTypesAndCachingHeaders() throws Exception {
    Map<String, String> types = new LinkedHashMap<>();
    types.put("a.html", "text/html; charset=utf-8");
    types.put("a.js", "text/javascript; charset=utf-8");
    types.put("a.mjs", "text/javascript; charset=utf-8");
    types.put("a.css", "text/css; charset=utf-8");
    types.put("a.svg", "image/svg+xml");
    types.put("a.png", "image/png");
    types.put("A.PNG", "image/png");
    types.put("a.ico", "image/x-icon");
    types.put("a.json", "application/json");
    types.put("a.wasm", "application/wasm");
    types.put("a.woff2", "font/woff2");
    types.put("a.txt", "application/octet-stream");
    types.put("noextension", "application/octet-stream");
    Random random = new Random(types.size());
    Map<String, byte[]> contents = new LinkedHashMap<>();
    for (String name : types.keySet()) {
      byte[] bytes = new byte[1 + random.nextInt(3000)];
      random.nextBytes(bytes);
      contents.put(name, bytes);
      file(name, bytes);
    }
    startProxy();
    for (Map.Entry<String, String> e : types.entrySet()) {
      byte[] bytes = contents.get(e.getKey());
      Answer a = Answer.get(proxy, "/" + e.getKey());
      assertThat(a.status).as(e.getKey()).isEqualTo(200);
      assertThat(a.body).as(e.getKey()).isEqualTo(bytes);
      assertThat(a.headers).as(e.getKey()).containsEntry("content-type", e.getValue())
          .containsEntry("content-length", String.valueOf(bytes.length))
          .containsEntry("cache-control", "no-cache")
          .containsEntry("last-modified", LAST_MODIFIED)
          .containsEntry("x-content-type-options", "nosniff")
          .containsEntry("etag", "\"" + Long.toHexString(bytes.length) + "-" + Long.toHexString(MODIFIED.toEpochMilli())
              + "\"");
    }
  }

  @Test
  void etagRevalidationAndHead() throws Exception {
    byte[] page = "<!doctype html><title>x</title>\n".getBytes(StandardCharsets.UTF_8);
    file("index.html", page);
    startProxy();
    String etag = Answer.get(proxy, "/index.html").headers.get("etag");
    assertThat(etag).isEqualTo("\"20-17e12ef9c00\"");

    Answer notModified = Answer.request(proxy, "GET /index.html HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag
        + "\r\nConnection: close\r\n\r\n");
    assertThat(notModified.status).isEqualTo(304);
    assertThat(notModified.body).isEmpty();
    assertThat(notModified.headers).containsEntry("etag", etag).containsEntry("last-modified", LAST_MODIFIED)
        .containsEntry("cache-control", "no-cache");
    assertThat(Answer.request(proxy, "GET /index.html HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"other\", W/" + etag
        + "\r\nConnection: close\r\n\r\n").status).as("a weak tag in a list").isEqualTo(304);
    assertThat(Answer.request(proxy, "GET /index.html HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"other\""
        + "\r\nConnection: close\r\n\r\n").status).isEqualTo(200);

    Answer head = Answer.request(proxy, "HEAD /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(head.status).isEqualTo(200);
    assertThat(head.body).isEmpty();
    assertThat(head.headers).containsEntry("content-length", "32").containsEntry("etag", etag)
        .containsEntry("content-type", "text/html; charset=utf-8");
  }

  @Test
  void directoriesServeTheirIndexAndNeverAListing() throws Exception {
    byte[] index = "root index\n".getBytes(StandardCharsets.UTF_8);
    byte[] subIndex = "sub index\n".getBytes(StandardCharsets.UTF_8);
    file("index.html", index);
    file("sub/index.html", subIndex);
    file("empty/.keep", new byte[0]);
    startProxy();
    assertThat(Answer.get(proxy, "/").body).isEqualTo(index);
    assertThat(Answer.get(proxy, "/?path=websockify").body).as("a query is not part of the path").isEqualTo(index);
    assertThat(Answer.get(proxy, "/sub/").body).isEqualTo(subIndex);
    assertThat(Answer.get(proxy, "/sub").body).isEqualTo(subIndex);
    Answer empty = Answer.get(proxy, "/empty/");
    assertThat(empty.status).isEqualTo(404);
    assertThat(new String(empty.body, StandardCharsets.US_ASCII)).isEqualTo("404 Not Found\n");
    assertThat(Answer.get(proxy, "/empty").status).isEqualTo(404);
    assertThat(Answer.get(proxy, "/missing.js").status).isEqualTo(404);
    assertThat(Answer.get(proxy, "/websockify").status).as("without Upgrade, a file like any other").isEqualTo(404);
  }

  @Test
  void noTraversalInAnyForm() throws Exception {
    file("index.html", "in\n".getBytes(StandardCharsets.UTF_8));
    file("a/b.txt", "b\n".getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(web.resolve("link.txt"), dir.resolve("secret.txt"));
    Files.createSymbolicLink(web.resolve("linkdir"), dir.resolve("outside-dir"));
    Files.createSymbolicLink(web.resolve("inside.txt"), web.resolve("a/b.txt"));
    startProxy();
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("/../secret.txt", 403);
    expected.put("/%2e%2e/secret.txt", 403);
    expected.put("/%2E%2E/secret.txt", 403);
    expected.put("/a/%2e%2e%2f%2e%2e/secret.txt", 403);
    expected.put("/a/..%2f..%2fsecret.txt", 403);
    expected.put("/a/../index.html", 403);
    expected.put("/./index.html", 403);
    expected.put("//etc/passwd", 403);
    expected.put("/%2fetc/passwd", 403);
    expected.put("/..%5csecret.txt", 403);
    expected.put("/a%5c..%5c..%5csecret.txt", 403);
    expected.put("/index.html%00.png", 403);
    expected.put("/C:/Windows/win.ini", 403);
    expected.put("/link.txt", 404);
    expected.put("/linkdir/", 404);
    expected.put("/linkdir/index.html", 404);
    expected.put("/%zz", 400);
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      Answer a = Answer.get(proxy, e.getKey());
      assertThat(a.status).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(new String(a.body, StandardCharsets.US_ASCII)).as(e.getKey()).doesNotContain("outside");
    }
    assertThat(Answer.get(proxy, "/inside.txt").body).as("a link that stays inside")
        .isEqualTo("b\n".getBytes(StandardCharsets.UTF_8));
    assertThat(Answer.get(proxy, "/a/b.txt").status).isEqualTo(200);
  }

  /** 5 MiB leave in 16 KiB chunks, each read when the previous one is written, and arrive intact. */
  @Test
  void aLargeFileArrivesWhole() throws Exception {
    byte[] big = new byte[5 * 1024 * 1024 + 17];
    new Random(5).nextBytes(big);
    file("big.wasm", big);
    startProxy();
    Answer a = Answer.get(proxy, "/big.wasm");
    assertThat(a.status).isEqualTo(200);
    assertThat(a.headers).containsEntry("content-length", String.valueOf(big.length));
    assertThat(RfbScript.sha256(a.body)).isEqualTo(RfbScript.sha256(big));
  }

  /** With TLS (both frontends then speak it): a large file leaves chunk by chunk through the TLS handler, intact. */
  @Test
  void filesOverTls() throws Exception {
    X509Bundle cert = new CertificateBuilder().subject("CN=localhost").addSanIpAddress("127.0.0.1")
        .setIsCertificateAuthority(true).ecp256().buildSelfSigned();
    Path certPem = Files.writeString(dir.resolve("cert.pem"), cert.getCertificatePEM(), StandardCharsets.US_ASCII);
    Path keyPem = Files.writeString(dir.resolve("key.pem"), cert.getPrivateKeyPEM(), StandardCharsets.US_ASCII);
    byte[] big = new byte[3 * 1024 * 1024 + 5];
    new Random(7).nextBytes(big);
    file("big.bin", big);
    startProxy("--tls-cert", certPem.toString(), "--tls-key", keyPem.toString());
    SSLContext trusting = SSLContext.getInstance("TLS");
    trusting.init(null, cert.toTrustManagerFactory().getTrustManagers(), null);
    try (Socket s = trusting.getSocketFactory().createSocket("127.0.0.1", proxy.ws().getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Answer a = Answer.read(s.getInputStream());
      assertThat(a.status).isEqualTo(200);
      assertThat(a.headers).containsEntry("content-type", "application/octet-stream");
      assertThat(RfbScript.sha256(a.body)).isEqualTo(RfbScript.sha256(big));
    }
  }

  /** A page and its scripts on one connection; then upgrades on every WebSocket path relay as without --web. */
  @Test
  void keepAliveThenTheWebSocketUpgradeStillRelaysRfb() throws Exception {
    byte[] one = "one\n".getBytes(StandardCharsets.UTF_8);
    byte[] two = "two\n".getBytes(StandardCharsets.UTF_8);
    file("one.js", one);
    file("two.js", two);
    startProxy();
    try (Socket s = new Socket("127.0.0.1", proxy.ws().getPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write("GET /one.js HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Answer first = Answer.read(in);
      out.write("GET /two.js HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Answer second = Answer.read(in);
      assertThat(first.body).isEqualTo(one);
      assertThat(second.body).isEqualTo(two);
      assertThat(proxy.server().meterRegistry().find("vnc.proxy.connections.refused").counters()).as(
          "a file request is not a refused viewer").allSatisfy(c -> assertThat(c.count()).isZero());
    }
    try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/websockify"), null)) {
      assertThat(ScriptedRfbClient.run(viewer, script, pool)).isEqualTo(RfbScript.sha256(script.serverStream()));
    }
    ScriptedRfbServer.Received received = desk.nextReceived(Duration.ofSeconds(30));
    assertThat(received.error()).isNull();
    assertThat(received.sha256()).isEqualTo(RfbScript.sha256(script.clientStream()));
    try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/"), null)) {
      ScriptedRfbClient.handshake(viewer, script);
    }
    try (WsTransport viewer = WsTransport.connect(proxy.wsUri("/vnc/desk"), null)) {
      ScriptedRfbClient.handshake(viewer, script);
    }
    assertThat(desk.accepted()).isEqualTo(3);
  }

  /**
   * A request that never completes (slow loris), and a kept-alive connection that sends nothing after its answer, are
   * closed once the handshake timeout has passed since the accept or the answer, as a viewer that trickles its
   * handshake would be.
   */
  @Test
  void aRequestMustArriveWithinTheHandshakeTimeout() throws Exception {
    file("index.html", "in\n".getBytes(StandardCharsets.UTF_8));
    startProxy("--handshake-timeout", "500ms");
    try (Socket s = new Socket("127.0.0.1", proxy.ws().getPort())) {
      s.setSoTimeout(10_000);
      long start = System.nanoTime();
      s.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(s.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(5));
    }
    try (Socket s = new Socket("127.0.0.1", proxy.ws().getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(Answer.read(s.getInputStream()).body).isEqualTo("in\n".getBytes(StandardCharsets.UTF_8));
      long answered = System.nanoTime();
      assertThat(s.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - answered)).isBetween(Duration.ofMillis(400),
          Duration.ofSeconds(5));
    }
    assertThat(proxy.server().meterRegistry().find("vnc.proxy.connections.refused").counters())
        .as("no viewer, so no refusal").allSatisfy(c -> assertThat(c.count()).isZero());
  }

  /** One HTTP answer read off a socket: status, lower-case headers, the body by Content-Length. */
  record Answer(int status, Map<String, String> headers, byte[] body) {

    static Answer get(TestProxy proxy, String path) throws IOException {
      return request(proxy, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    static Answer request(TestProxy proxy, String request) throws IOException {
      try (Socket s = new Socket("127.0.0.1", proxy.ws().getPort())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        Answer a = read(s.getInputStream());
        assertThat(a.headers).as("every answer here ends its connection").containsEntry("connection", "close");
        return a;
      }
    }

    static Answer read(InputStream in) throws IOException {
      String statusLine = line(in);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      boolean noBody = status == 304;
      int length = noBody ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Answer(status, headers, body);
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("connection ended inside the header");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.US_ASCII);
    }
  }
}
