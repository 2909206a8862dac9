package org.rfbactivity.proxy.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rfbactivity.proxy.ProxyServer;
import org.rfbactivity.proxy.config.ProxyCommand;
import org.rfbactivity.rfb.InputClass;

/**
 * A proxy started from command-line arguments, as a user would, on ephemeral loopback ports. Unless the
 * arguments say otherwise: {@code --store memory} and every listener on {@code 127.0.0.1:0}.
 */
public final class TestProxy implements AutoCloseable {

  private final ProxyServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestProxy(ProxyServer server) {
    this.server = server;
  }

  public static TestProxy start(String... args) {
    return start(Map.of(), args);
  }

  public static TestProxy start(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    addDefault(all, "--store", "memory");
    // CI runs the suite once more on NIO (-Drfba.test.transport=nio); by default the best transport here.
    addDefault(all, "--transport", System.getProperty("rfba.test.transport", "auto"));
    // Every viewer here is on loopback, where --splice auto copies: on epoll the relay tests splice, so that both
    // paths are tested (copying on the NIO pass).
    addDefault(all, "--splice", "on");
    addDefault(all, "--ws-listen", "127.0.0.1:0");
    addDefault(all, "--admin-listen", "127.0.0.1:0");
    if (all.contains("--target")) {
      addDefault(all, "--tcp-listen", "127.0.0.1:0");
    }
    ProxyServer server = new ProxyServer(ProxyCommand.parse(all.toArray(String[]::new), env).config());
    server.start();
    return new TestProxy(server);
  }

  private static void addDefault(List<String> args, String flag, String value) {
    if (!args.contains(flag)) {
      args.add(flag);
      args.add(value);
    }
  }

  public ProxyServer server() {
    return server;
  }

  public InetSocketAddress tcp() {
    return server.tcpAddress();
  }

  public InetSocketAddress ws() {
    return server.wsAddress();
  }

  /** {@code ws://127.0.0.1:PORT} + {@code pathAndQuery}. */
  public URI wsUri(String pathAndQuery) {
    return URI.create("ws://127.0.0.1:" + server.wsAddress().getPort() + pathAndQuery);
  }

  /** GET on the admin port, with {@code Authorization: Bearer token} when the token is not null. */
  public HttpResponse<String> admin(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> admin(String path) throws IOException, InterruptedException {
    return admin(path, null);
  }

  /**
   * Input messages the proxy's filters dropped so far, per input class label (docs/architecture.md#input-permissions),
   * every class present.
   */
  public Map<String, Long> droppedInput() {
    Map<String, Long> out = new TreeMap<>();
    for (InputClass c : InputClass.values()) {
      out.put(c.label(), (long) server.meterRegistry().get("vnc.proxy.input.dropped").tag("class", c.label())
          .counter().count());
    }
    return out;
  }

  /** {@code method} (without a body) on the admin port, with the token when it is not null. */
  public HttpResponse<String> admin(String method, String path, String token) throws IOException,
      InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.adminAddress().getPort() + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
  }
}
