package org.rfbactivity.proxy.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rfbactivity.proxy.Main;

/**
 * The proxy as a process of its own, started with this JVM's class path and the production logging configuration,
 * as an operator starts it; its output (log lines and the command line's messages) goes to a file. For what only a
 * real process shows: kill -9, SIGTERM and exit statuses, a second proxy on the same data directory.
 */
public final class ProxyProcess implements AutoCloseable {

  private static final Pattern READY = Pattern.compile("rfb-activity-proxy ready: .*");

  private final Process process;
  private final Path output;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The ready line, once seen. */
  private String ready;

  private ProxyProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code Main} with {@code args}; does not wait. */
  public static ProxyProcess start(Path output, String... args) throws IOException {
    return start(output, List.of(), args);
  }

  /** Starts {@code Main} with {@code args} in a JVM given {@code jvmOptions}; does not wait. */
  public static ProxyProcess start(Path output, List<String> jvmOptions, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(Arrays.asList(args));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    return new ProxyProcess(process, output);
  }

  /** Waits for the ready line; fails with the output if the process ends first or the time passes. */
  public ProxyProcess awaitReady(Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(50))
        .failFast(() -> {
          if (!process.isAlive()) {
            throw new AssertionError("the proxy exited with " + process.exitValue() + " before it was ready: "
                + output());
          }
        })
        .until(() -> READY.matcher(output()).find());
    Matcher m = READY.matcher(output());
    m.find();
    ready = m.group();
    return this;
  }

  public int tcpPort() {
    return Integer.parseInt(field("tcp=\\S+:(\\d+) "));
  }

  public int wsPort() {
    return Integer.parseInt(field("ws=\\S+:(\\d+) "));
  }

  public int adminPort() {
    return Integer.parseInt(field("admin=\\S+:(\\d+) "));
  }

  /** The port of the embedded PostgreSQL, from the ready line. */
  public int postgresPort() {
    return Integer.parseInt(field("embedded PostgreSQL .* on 127\\.0\\.0\\.1:(\\d+)\\)"));
  }

  /** The network transport the proxy chose, from the ready line. */
  public String transport() {
    return field("transport=(\\S+)");
  }

  /** The splice mode in effect, from the ready line: {@code off} on a transport that cannot splice. */
  public String splice() {
    return field("splice=(\\S+)");
  }

  /** The first group of {@code regex} in the ready line; fails when the line has no such field. */
  private String field(String regex) {
    if (ready == null) {
      throw new IllegalStateException("not ready yet: call awaitReady first");
    }
    Matcher m = Pattern.compile(regex).matcher(ready);
    if (!m.find()) {
      throw new AssertionError("no " + regex + " in the ready line: " + ready);
    }
    return m.group(1);
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** Everything the process wrote so far. */
  public String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public HttpResponse<String> admin(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + path))
        .timeout(Duration.ofSeconds(10)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Waits for the exit; returns the status, or fails when the process is still running after {@code atMost}. */
  public int awaitExit(Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + atMost + ": " + output());
    }
    return process.exitValue();
  }

  /** Kills the process if it still runs (kill -9) and reaps it. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
