package org.rfbactivity.proxy.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.rfbactivity.proxy.ProxyServer;
import org.rfbactivity.proxy.config.ProxyCommand;

/**
 * How soon the platform hears of a transition (docs/architecture.md#events): 1,000 sessions, each with one WebSocket
 * viewer routed by a route query, go ACTIVE (one PointerEvent each, spread over a second) and back to CONNECTED_IDLE
 * (their active window runs out) several times; every {@code session.state_changed} is received by a {@code LISTEN}ing
 * JDBC connection, an {@code /api/events} stream and a webhook receiver, each stamping its arrival. Latency is arrival
 * minus the event's {@code at} (the input, or the end of the window), so it includes the wait for the flush tick.
 *
 * <p>Beside it, in the same run, one more viewer sends 100 PointerEvents a second and the scripted server stamps their
 * arrival: the relay's input latency, with the three sinks on (PostgreSQL store, NOTIFY, webhook, SSE) and off
 * (memory store, nobody listening), in interleaved rounds under the same load of transitions.
 *
 * <p>The proxy runs in this JVM (default 1 s flush tick), so the consumers share its clock. Arguments:
 * {@code [--sessions N (1000)] [--rounds R (3)] [--cycles C (3)]}.
 */
public final class PushLatencyRun {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ACTIVE_WINDOW = Duration.ofSeconds(3);
  /** Below the active window, as the tracker requires; viewer heartbeats are written this often. */
  private static final Duration PERSIST_INTERVAL = Duration.ofSeconds(2);
  private static final String CHANNEL = "rfb_activity";

  private PushLatencyRun() {}

  public static void main(String[] args) throws Exception {
    int sessions = 1000;
    int rounds = 3;
    int cycles = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--sessions" -> sessions = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--cycles" -> cycles = Integer.parseInt(args[i + 1]);
        default -> {
          System.err.println("usage: PushLatencyRun [--sessions N] [--rounds R] [--cycles C]");
          System.exit(2);
        }
      }
    }
    run(sessions, rounds, cycles, System.out);
    System.exit(0);
  }

  static void run(int sessions, int rounds, int cycles, PrintStream out) throws Exception {
    Path work = Files.createTempDirectory("rfba-push");
    EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        ScriptedRfbServer server = new ScriptedRfbServer().start()) {
      routes(pg, sessions, server.port());
      Map<String, List<Long>> push = new java.util.LinkedHashMap<>();
      for (String sink : List.of("NOTIFY", "SSE", "webhook")) {
        push.put(sink, new ArrayList<>());
      }
      List<long[]> inputOn = new ArrayList<>();
      List<long[]> inputOff = new ArrayList<>();
      int[] expected = {0};
      int[] received = new int[3];
      for (int round = 0; round < rounds; round++) {
        for (boolean sinks : new boolean[] {true, false}) {
          Round r = new Round(pg, server, clients, work, sessions, cycles, sinks);
          r.run();
          (sinks ? inputOn : inputOff).add(r.inputLatencies);
          if (sinks) {
            r.printUnexpected(out);
          }
          if (sinks) {
            expected[0] += r.transitions;
            int k = 0;
            for (Map.Entry<String, List<Long>> e : push.entrySet()) {
              List<Long> got = r.latencies.get(e.getKey());
              e.getValue().addAll(got);
              received[k++] += got.size();
            }
          }
          out.printf(Locale.ROOT, "round %d, sinks %s: %d transitions, input p50 %.0f µs p99 %.0f µs%n", round + 1,
              sinks ? "on" : "off", r.transitions, pct(r.inputLatencies, 50) / 1e3,
              pct(r.inputLatencies, 99) / 1e3);
        }
      }
      out.printf(Locale.ROOT, "%n%d sessions, %d rounds × %d cycles, flush tick 1 s, active window %d s%n", sessions,
          rounds, cycles, ACTIVE_WINDOW.toSeconds());
      out.println("| sink | transitions received / made | p50 ms | p99 ms | max ms |");
      out.println("|---|---:|---:|---:|---:|");
      int k = 0;
      for (Map.Entry<String, List<Long>> e : push.entrySet()) {
        long[] sorted = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
        out.printf(Locale.ROOT, "| %s | %d / %d | %.0f | %.0f | %.0f |%n", e.getKey(), received[k++], expected[0],
            pct(sorted, 50) / 1e6, pct(sorted, 99) / 1e6, sorted.length == 0 ? -1 : sorted[sorted.length - 1] / 1e6);
      }
      out.println();
      out.println("| relay input latency (100 PointerEvents/s, under the same transitions) | p50 µs (median of rounds) "
          + "| p99 µs (median of rounds) |");
      out.println("|---|---:|---:|");
      out.printf(Locale.ROOT, "| sinks on | %.0f | %.0f |%n", medianOf(inputOn, 50) / 1e3,
          medianOf(inputOn, 99) / 1e3);
      out.printf(Locale.ROOT, "| sinks off | %.0f | %.0f |%n", medianOf(inputOff, 50) / 1e3,
          medianOf(inputOff, 99) / 1e3);
    } finally {
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** One table for the route query: token {@code t<i>} is session {@code desk-<i>}; {@code probe} the latency one. */
  private static void routes(EmbeddedPostgres pg, int sessions, int port) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE desks (token text PRIMARY KEY, host text, port int, session_id text)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO desks VALUES (?, '127.0.0.1', ?, ?)")) {
        for (int i = 0; i <= sessions; i++) {
          ps.setString(1, i == sessions ? "probe" : "t" + i);
          ps.setInt(2, port);
          ps.setString(3, i == sessions ? "probe" : "desk-" + i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  /** One proxy's life: viewers open and go idle, then {@code cycles} times ACTIVE and back, then all close. */
  private static final class Round {
    final EmbeddedPostgres pg;
    final ScriptedRfbServer server;
    final EventLoopGroup clients;
    final Path work;
    final int sessions;
    final int cycles;
    final boolean sinks;
    final Map<String, List<Long>> latencies = new java.util.LinkedHashMap<>();
    /** Per session, the NOTIFYed changes of the measured cycles: a session with more or fewer is printed. */
    final Map<String, List<String>> notified = new java.util.concurrent.ConcurrentHashMap<>();
    long[] inputLatencies;
    int transitions;
    /** Only transitions made in the measured cycles count; those of the opens and closes do not. */
    volatile Instant measuredFrom = Instant.MAX;
    volatile Instant measuredTo = Instant.MAX;

    Round(EmbeddedPostgres pg, ScriptedRfbServer server, EventLoopGroup clients, Path work, int sessions, int cycles,
        boolean sinks) {
      this.pg = pg;
      this.server = server;
      this.clients = clients;
      this.work = work;
      this.sessions = sessions;
      this.cycles = cycles;
      this.sinks = sinks;
      for (String sink : List.of("NOTIFY", "SSE", "webhook")) {
        latencies.put(sink, java.util.Collections.synchronizedList(new ArrayList<>()));
      }
    }

    void run() throws Exception {
      String jdbc = pg.getJdbcUrl("postgres", "postgres");
      HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      receiver.createContext("/hook", exchange -> {
        try (InputStream in = exchange.getRequestBody()) {
          record("webhook", in.readAllBytes());
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      receiver.start();
      List<String> args = new ArrayList<>(List.of("--route-query",
          "SELECT host, port, session_id FROM desks WHERE token = ?", "--jdbc-url", jdbc,
          "--ws-listen", "127.0.0.1:0", "--tcp-listen", "none", "--admin-listen", "127.0.0.1:0",
          "--active-window", ACTIVE_WINDOW.toSeconds() + "s",
          "--persist-interval", PERSIST_INTERVAL.toSeconds() + "s", "--max-connect-rate-per-ip", "0",
          "--max-connections-per-ip", "0", "--replica-id", "push-run"));
      if (sinks) {
        args.addAll(List.of("--store", "postgres", "--webhook-url", "http://127.0.0.1:"
            + receiver.getAddress().getPort() + "/hook", "--webhook-queue", "100000",
            "--webhook-secret-file", Files.writeString(work.resolve("webhook-secret"),
                "a benchmark's secret of 24+ bytes").toString()));
      } else {
        args.addAll(List.of("--store", "memory"));
      }
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> consumers = new ArrayList<>();
      List<LoadClient> viewers = new ArrayList<>();
      ProxyServer proxy = new ProxyServer(ProxyCommand.parse(args.toArray(String[]::new), Map.of()).config());
      try {
        proxy.start();
        if (sinks) {
          consumers.add(listen(jdbc, stop));
          consumers.add(stream(proxy.adminAddress().getPort(), stop));
        }
        int ws = proxy.wsAddress().getPort();
        for (int i = 0; i < sessions; i++) {
          viewers.add(LoadClient.connect(clients, LoadClient.Transport.WEBSOCKET, ws, "/websockify?token=t" + i));
        }
        LoadClient probe = LoadClient.connect(clients, LoadClient.Transport.WEBSOCKET, ws, "/websockify?token=probe");
        Thread.sleep(ACTIVE_WINDOW.toMillis() + 2500); // the opens' activity runs out and is flushed
        int events = 100 * (int) ((cycles * (ACTIVE_WINDOW.toMillis() + 3000)) / 1000);
        LatencyProbe latency = new LatencyProbe(events);
        server.probe(latency);
        var probeDone = probe.sendPointerEvents(latency, 100);
        measuredFrom = Instant.now();
        for (int cycle = 0; cycle < cycles; cycle++) {
          long start = System.nanoTime();
          for (int i = 0; i < sessions; i++) {
            long due = start + TimeUnit.SECONDS.toNanos(1) * i / sessions;
            while (System.nanoTime() < due) {
              Thread.onSpinWait();
            }
            viewers.get(i).pointer(cycle * 7 + 1, cycle * 3 + 1);
          }
          transitions += 2 * sessions; // to ACTIVE, and back when the window runs out
          Thread.sleep(ACTIVE_WINDOW.toMillis() + 2000);
        }
        measuredTo = Instant.now();
        probeDone.await(30, TimeUnit.SECONDS);
        server.probe(null);
        inputLatencies = latency.sortedLatencies(100);
        Thread.sleep(1500); // stragglers of the last cycle
      } finally {
        for (LoadClient v : viewers) {
          v.close();
        }
        proxy.close();
        stop.set(true);
        for (Thread t : consumers) {
          t.interrupt();
          t.join(5000);
        }
        receiver.stop(0);
      }
    }

    /** Sessions whose NOTIFYed changes are not the load's two per cycle, with their changes (at most 10). */
    void printUnexpected(PrintStream out) {
      int shown = 0;
      for (Map.Entry<String, List<String>> e : new java.util.TreeMap<>(notified).entrySet()) {
        if (e.getValue().size() != 2 * cycles && shown++ < 10) {
          out.println("unexpected changes of " + e.getKey() + ":");
          e.getValue().forEach(line -> out.println("  " + line));
        }
      }
    }

    void record(String sink, byte[] json) {
      Instant arrived = Instant.now();
      try {
        JsonNode e = JSON.readTree(json);
        if (!"session.state_changed".equals(e.path("type").asText())) {
          return;
        }
        Instant at = Instant.parse(e.get("at").asText());
        if (at.isBefore(measuredFrom) || at.isAfter(measuredTo) || !e.get("sessionId").asText().startsWith("desk-")) {
          return;
        }
        latencies.get(sink).add(Duration.between(at, arrived).toNanos());
        if (sink.equals("NOTIFY")) {
          notified.computeIfAbsent(e.get("sessionId").asText(), id -> java.util.Collections.synchronizedList(
              new ArrayList<>())).add(e.path("from").asText() + "->" + e.path("to").asText() + " at " + at
              + " arrived " + arrived + " cause " + e.path("cause"));
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private Thread listen(String jdbc, AtomicBoolean stop) throws Exception {
      Connection c = java.sql.DriverManager.getConnection(jdbc);
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN " + CHANNEL);
      }
      PGConnection pgc = c.unwrap(PGConnection.class);
      Thread t = new Thread(() -> {
        try (c) {
          while (!stop.get()) {
            PGNotification[] got = pgc.getNotifications(200);
            if (got != null) {
              for (PGNotification n : got) {
                record("NOTIFY", n.getParameter().getBytes(StandardCharsets.UTF_8));
              }
            }
          }
        } catch (java.sql.SQLException e) {
          if (!stop.get()) {
            throw new IllegalStateException(e);
          }
        }
      }, "push-listen");
      t.start();
      return t;
    }

    private Thread stream(int adminPort, AtomicBoolean stop) {
      Thread t = new Thread(() -> {
        HttpClient http = HttpClient.newHttpClient();
        try {
          HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + adminPort + "/api/events?types=session.state_changed")).build(),
              HttpResponse.BodyHandlers.ofInputStream());
          try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while (!stop.get() && (line = in.readLine()) != null) {
              if (line.startsWith("data:")) {
                record("SSE", line.substring(5).trim().getBytes(StandardCharsets.UTF_8));
              }
            }
          }
        } catch (java.io.IOException | InterruptedException e) {
          // the proxy closed the stream at the end of the round
        }
      }, "push-sse");
      t.setDaemon(true);
      t.start();
      return t;
    }
  }

  private static double pct(long[] sorted, double p) {
    return LatencyProbe.percentile(sorted, p);
  }

  private static double medianOf(List<long[]> rounds, double p) {
    double[] values = rounds.stream().mapToDouble(r -> pct(r, p)).sorted().toArray();
    return values.length == 0 ? -1 : values[values.length / 2];
  }
}
