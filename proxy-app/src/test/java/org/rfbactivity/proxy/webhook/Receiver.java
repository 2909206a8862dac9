package org.rfbactivity.proxy.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver: the JDK's HTTP server on 127.0.0.1, recording every request before it answers. It answers with
 * {@link #status} of the request's number (1 for the first), and while {@link #hang()} is in force it holds every
 * answer until {@link #recover()}.
 */
final class Receiver implements AutoCloseable {

  /** One request as it arrived. */
  record Request(String path, String id, String timestamp, String signature, String contentType, String userAgent,
      byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  volatile IntUnaryOperator status = n -> 200;
  private volatile CountDownLatch hang;
  private final ExecutorService executor = Executors.newCachedThreadPool(); // hung answers must not stop the others
  private final HttpServer server;

  Receiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
  }

  String label() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** From now on every answer waits until {@link #recover()}. */
  void hang() {
    hang = new CountDownLatch(1);
  }

  /** Answers what is held, and everything after at once. */
  void recover() {
    CountDownLatch held = hang;
    hang = null;
    if (held != null) {
      held.countDown();
    }
  }

  /** Whether answers are still held (none was let go by anything but {@link #recover()}). */
  boolean hanging() {
    CountDownLatch held = hang;
    return held != null && held.getCount() == 1;
  }

  List<String> ids() {
    return requests.stream().map(Request::id).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      var h = exchange.getRequestHeaders();
      requests.add(new Request(exchange.getRequestURI().toString(), h.getFirst("webhook-id"),
          h.getFirst("webhook-timestamp"), h.getFirst("webhook-signature"), h.getFirst("Content-Type"),
          h.getFirst("User-Agent"), body));
      int n = requests.size();
      CountDownLatch held = hang;
      if (held != null) {
        held.await();
      }
      exchange.sendResponseHeaders(status.applyAsInt(n), -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the sender gave up on this exchange (timeout) and closed it
    }
  }

  @Override
  public void close() {
    recover();
    server.stop(0);
    executor.shutdownNow();
  }
}
