package org.rfbactivity.proxy.events;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A JDK {@link HttpClient} on {@code /api/events}: either reading every line on a thread of its own (collected in
 * {@link #lines()}), or holding the stream open without reading a byte ({@link #openUnread}).
 */
final class SseClient implements AutoCloseable {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private HttpResponse<?> response;
  private AutoCloseable body;

  static HttpRequest request(int port, String pathAndQuery, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery));
    headers.forEach(b::header);
    return b.build();
  }

  /** Opens the stream and reads it line by line until closed. */
  static SseClient open(HttpRequest request) throws IOException, InterruptedException {
    SseClient c = new SseClient();
    HttpResponse<Stream<String>> r = c.http.send(request, HttpResponse.BodyHandlers.ofLines());
    c.response = r;
    Stream<String> body = r.body();
    c.body = body;
    Thread reader = new Thread(() -> {
      try {
        body.forEach(c.lines::add);
      } catch (RuntimeException e) {
        // closed by the test or by the server
      }
    }, "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
    return c;
  }

  /** Opens the stream and never reads its body. */
  static SseClient openUnread(HttpRequest request) throws IOException, InterruptedException {
    SseClient c = new SseClient();
    HttpResponse<InputStream> r = c.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    c.response = r;
    c.body = r.body();
    return c;
  }

  /** A response that is not a stream (401, 400 …): status and body. */
  static HttpResponse<String> plain(HttpRequest request) throws IOException, InterruptedException {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  HttpResponse<?> response() {
    return response;
  }

  List<String> lines() {
    return lines;
  }

  /** Every line so far, each followed by a line feed: the stream as sent. */
  String text() {
    StringBuilder b = new StringBuilder();
    for (String line : lines) {
      b.append(line).append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() throws Exception {
    if (body != null) {
      body.close();
    }

  }
}
