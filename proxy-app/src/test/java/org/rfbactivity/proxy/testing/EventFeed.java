package org.rfbactivity.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The proxy's {@code /api/events} stream read by the JDK's HttpClient on a thread of its own: every event's JSON, in
 * order, as the tracker emitted it (with {@code --store memory} the stream is fed by the tracker itself).
 */
public final class EventFeed implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> data = new CopyOnWriteArrayList<>();
  private final Stream<String> body;

  private EventFeed(Stream<String> body) {
    this.body = body;
  }

  public static EventFeed open(TestProxy proxy) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + proxy.server().adminAddress().getPort() + "/api/events")).build(), HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() != 200) {
      throw new IOException("/api/events answered " + r.statusCode());
    }
    EventFeed feed = new EventFeed(r.body());
    Thread reader = new Thread(() -> {
      try {
        feed.body.forEach(line -> {
          if (line.startsWith("data:")) {
            feed.data.add(line.substring(5).trim());
          }
        });
      } catch (RuntimeException e) {
        // closed by the test or by the proxy
      }
    }, "event-feed-reader");
    reader.setDaemon(true);
    reader.start();
    return feed;
  }

  /** Every event so far, in order. */
  public List<JsonNode> all() throws IOException {
    List<JsonNode> events = new ArrayList<>();
    for (String json : data) {
      events.add(JSON.readTree(json));
    }
    return events;
  }

  /** The events of this type so far, in order. */
  public List<JsonNode> ofType(String type) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    for (String json : data) {
      JsonNode e = JSON.readTree(json);
      if (type.equals(e.path("type").asText())) {
        events.add(e);
      }
    }
    return events;
  }

  @Override
  public void close() {
    body.close();
  }
}
