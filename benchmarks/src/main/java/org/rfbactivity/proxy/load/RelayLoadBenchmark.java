package org.rfbactivity.proxy.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.rfbactivity.proxy.load.LoadClient.Transport;

/**
 * The relay load run: a scripted RFB server streams framebuffer data to a client that drains it
 * (bulk server-to-client throughput), and a client sends PointerEvents at a fixed rate (one-way input
 * latency, p50 and p99), measured in one run, rounds interleaved, for
 *
 * <ul>
 *   <li>TCP: direct; through the proxy with the inspector; through the proxy with the inspector off;
 *       through Debian's haproxy in tcp mode;
 *   <li>WebSocket: through the proxy's WebSocket frontend, with the inspector and without it; through Debian's
 *       websockify; with {@code --baseline-jar}, through the proxy of another build as well (before and after a change
 *       in one run).
 * </ul>
 *
 * Prints one table of medians with ratios. Usage (after {@code ./mvnw -B -q -DskipTests package}):
 * {@code java -cp benchmarks/target/benchmarks.jar org.rfbactivity.proxy.load.RelayLoadBenchmark
 * [--seconds 5] [--rounds 3] [--events 5000] [--rate 1000] [--only "direct|websockify"] [--transports epoll,nio]
 * [--baseline-jar /tmp/benchmarks-before.jar]
 * [--proxy-jvm-args "-XX:StartFlightRecording=filename=/tmp/p-{mode}.jfr"]}. Every proxy runs in a JVM of its own
 * ({@link BenchmarkProxy}, from the same jar), as a deployed proxy would: one with the inspector on per transport in
 * {@code --transports}, copying the server's bytes ({@code --splice off}), and one with it off on the first of them;
 * on epoll each of the two once more splicing them ({@code --splice on}: the default, {@code auto}, copies between
 * loopback ends like these). haproxy runs twice, as Debian ships it and with {@code option splice-auto} (its
 * documentation's advice for a TCP relay: the kernel moves the bytes); socat ({@code fork}, its defaults: 8 KiB reads)
 * is the plain copying relay.
 */
public final class RelayLoadBenchmark {

  private static final String DIRECT = "direct";
  private static final String PROXY = "proxy TCP, inspector on, ";
  private static final String PROXY_NO_INSPECT = "proxy TCP, inspector off, ";
  private static final String HAPROXY = "haproxy tcp";
  private static final String HAPROXY_SPLICE = "haproxy tcp, splice-auto";
  private static final String SOCAT = "socat";
  /** Appended to a proxy path's name when it splices (epoll, {@code --splice on}). */
  private static final String SPLICED = " + splice";
  private static final String PROXY_WS = "proxy WebSocket, inspector on, ";
  private static final String PROXY_WS_NO_INSPECT = "proxy WebSocket, inspector off, ";
  /** The suffix of the row of the proxy started from {@code --baseline-jar}. */
  private static final String BASELINE = ", baseline jar";
  private static final String WEBSOCKIFY = "websockify";

  private final int seconds;
  private final int rounds;
  private final int events;
  private final int rate;
  /** Extra JVM options for the two proxy processes, e.g. a JFR recording when profiling. */
  private final String proxyJvmArgs;
  /**
   * Measure only the paths whose name contains one of these texts ({@code |} between them). Every relay still starts
   * (the proxy serves two paths), but ratios to an unmeasured path print as NaN.
   */
  private final List<String> only;
  /** A benchmarks jar of another build, whose proxy (inspector on, first transport) runs beside this one; or null. */
  private final String baselineJar;
  /** The proxy's network transports to measure ({@code nio}, {@code epoll}, {@code io_uring}); the first is the base. */
  private final List<String> transports;
  private final PrintStream out;

  private RelayLoadBenchmark(Map<String, String> options, PrintStream out) {
    this.seconds = Integer.parseInt(options.getOrDefault("--seconds", "5"));
    this.rounds = Integer.parseInt(options.getOrDefault("--rounds", "3"));
    this.events = Integer.parseInt(options.getOrDefault("--events", "5000"));
    this.rate = Integer.parseInt(options.getOrDefault("--rate", "1000"));
    this.proxyJvmArgs = options.getOrDefault("--proxy-jvm-args", "");
    this.only = List.of(options.getOrDefault("--only", "").split("\\|"));
    this.baselineJar = options.get("--baseline-jar");
    this.transports = List.of(options.getOrDefault("--transports", "epoll,nio").split(","));
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    new RelayLoadBenchmark(options, System.out).run();
  }

  /** A relay (null for the direct path) and how the load client reaches it. Rows print in this order. */
  private record Target(String name, Transport transport, int port, String path, ExternalRelay relay) { }

  private void run() throws Exception {
    Path work = Files.createTempDirectory("rfba-load");
    EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    List<ExternalRelay> relays = new ArrayList<>();
    try (ScriptedRfbServer server = new ScriptedRfbServer().start()) {
      int backend = server.port();
      List<Target> targets = new ArrayList<>();
      targets.add(new Target(DIRECT, Transport.TCP, backend, "", null));

      List<Target> webSocketProxies = new ArrayList<>();
      for (String transport : transports) {
        for (boolean splice : splices(transport)) {
          int inspectTcp = freePort();
          int inspectWs = freePort();
          ExternalRelay proxy = ExternalRelay.start("proxy-" + transport + (splice ? "-splice" : ""),
              BenchmarkProxy.command(onTransport(transport, splice), inspectTcp, inspectWs, backend, true), work,
              inspectTcp, inspectWs);
          relays.add(proxy);
          targets.add(new Target(PROXY + transport + (splice ? SPLICED : ""), Transport.TCP, inspectTcp, "", proxy));
          if (!splice) {
            // The WebSocket frontend never splices: one row per transport.
            webSocketProxies.add(new Target(PROXY_WS + transport, Transport.WEBSOCKET, inspectWs, "/websockify",
                proxy));
          }
        }
      }

      if (baselineJar != null) {
        int baselineTcp = freePort();
        int baselineWs = freePort();
        ExternalRelay baseline = ExternalRelay.start("proxy-baseline", BenchmarkProxy.command(
            onTransport(transports.get(0), false), Paths.get(baselineJar).toAbsolutePath().toString(), baselineTcp,
            baselineWs, backend, true), work, baselineTcp, baselineWs);
        relays.add(baseline);
        webSocketProxies.add(new Target(PROXY_WS + transports.get(0) + BASELINE, Transport.WEBSOCKET, baselineWs,
            "/websockify", baseline));
      }

      for (boolean splice : splices(transports.get(0))) {
        int plainTcp = freePort();
        int plainWs = freePort();
        ExternalRelay plain = ExternalRelay.start("proxy-no-inspect" + (splice ? "-splice" : ""),
            BenchmarkProxy.command(onTransport(transports.get(0), splice), plainTcp, plainWs, backend, false), work,
            plainTcp, plainWs);
        relays.add(plain);
        targets.add(new Target(baseNoInspect() + (splice ? SPLICED : ""), Transport.TCP, plainTcp, "", plain));
        if (!splice) { // a WebSocket viewer never splices
          webSocketProxies.add(new Target(PROXY_WS_NO_INSPECT + transports.get(0), Transport.WEBSOCKET, plainWs,
              "/websockify", plain));
        }
      }

      for (boolean splice : new boolean[] {false, true}) {
        int haproxyPort = freePort();
        Path cfg = work.resolve(splice ? "haproxy-splice.cfg" : "haproxy.cfg");
        Files.writeString(cfg, String.join("\n",
            "global", "  maxconn 1000",
            "defaults", "  mode tcp", "  timeout connect 5s", "  timeout client 1h", "  timeout server 1h",
            splice ? "  option splice-auto" : "",
            "frontend fe", "  bind 127.0.0.1:" + haproxyPort, "  default_backend be",
            "backend be", "  server s1 127.0.0.1:" + backend, ""));
        ExternalRelay haproxy = ExternalRelay.start(splice ? "haproxy-splice" : "haproxy",
            List.of("haproxy", "-f", cfg.toString(), "-db"), work, haproxyPort);
        relays.add(haproxy);
        targets.add(new Target(splice ? HAPROXY_SPLICE : HAPROXY, Transport.TCP, haproxyPort, "", haproxy));
      }

      int socatPort = freePort();
      ExternalRelay socat = ExternalRelay.start("socat", List.of("socat",
          "TCP-LISTEN:" + socatPort + ",bind=127.0.0.1,reuseaddr,fork", "TCP:127.0.0.1:" + backend), work, socatPort);
      relays.add(socat);
      targets.add(new Target(SOCAT, Transport.TCP, socatPort, "", socat));

      targets.addAll(webSocketProxies);
      int websockifyPort = freePort();
      ExternalRelay websockify = ExternalRelay.start("websockify",
          List.of("websockify", "127.0.0.1:" + websockifyPort, "127.0.0.1:" + backend), work, websockifyPort);
      relays.add(websockify);
      targets.add(new Target(WEBSOCKIFY, Transport.WEBSOCKET, websockifyPort, "/websockify", websockify));

      targets.removeIf(target -> only.stream().noneMatch(target.name()::contains));
      Map<String, List<Measurement>> results = new LinkedHashMap<>();
      for (Target target : targets) {
        results.put(target.name(), new ArrayList<>());
      }
      // Round 0 warms every JVM and relay up (JIT, allocator, socket buffers) and is not recorded.
      for (int round = 0; round <= rounds; round++) {
        // Odd rounds run the paths in reverse, so no path always follows the same neighbour.
        List<Target> order = new ArrayList<>(targets);
        if (round % 2 == 1) {
          java.util.Collections.reverse(order);
        }
        for (Target target : order) {
          Measurement m = measure(clients, server, target);
          if (round > 0) {
            results.get(target.name()).add(m);
          }
          out.printf(Locale.ROOT, "round %d  %-36s %7.1f MB/s %5.2f CPU s/GB  %6.0f updates/s %6.1f CPU us/update"
              + "  p50 %6.1f us  p99 %7.1f us  lost %d%n",
              round, target.name(), m.megabytesPerSecond(), m.cpuSecondsPerGigabyte(), m.updatesPerSecond(),
              m.cpuMicrosPerUpdate(), m.p50Micros(), m.p99Micros(), m.lostEvents());
        }
      }
      report(results);
    } finally {
      for (ExternalRelay relay : relays) {
        relay.close();
      }
      clients.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** What one counted window saw: the counter's increase, the wall time, the relay's CPU time and its system part. */
  private record Window(long count, double seconds, double cpuSeconds, double kernelSeconds) { }

  private Measurement measure(EventLoopGroup clients, ScriptedRfbServer server, Target target) throws Exception {
    ExternalRelay relay = target.relay();
    Window bulk;
    try (LoadClient client = connect(clients, target)) {
      client.requestUpdates();
      bulk = window(client::receivedBytes, relay);
    }
    Window pingPong;
    try (LoadClient client = connect(clients, target)) {
      client.startRequestResponse();
      pingPong = window(client::completedUpdates, relay);
    }
    double mbps = bulk.count() / bulk.seconds() / 1e6;
    double cpuPerGb = relay == null ? Double.NaN : bulk.cpuSeconds() / (bulk.count() / 1e9);
    double kernelPerGb = relay == null ? Double.NaN : bulk.kernelSeconds() / (bulk.count() / 1e9);
    double updatesPerSecond = pingPong.count() / pingPong.seconds();
    double cpuPerUpdate = relay == null ? Double.NaN : pingPong.cpuSeconds() * 1e6 / pingPong.count();
    double kernelPerUpdate = relay == null ? Double.NaN : pingPong.kernelSeconds() * 1e6 / pingPong.count();
    LatencyProbe probe = new LatencyProbe(events);
    server.probe(probe);
    try (LoadClient input = connect(clients, target)) {
      input.sendPointerEvents(probe, rate).await(events * 2L / rate + 30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (probe.arrivals() < events && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      server.probe(null);
    }
    // The first 10% are warm-up (JIT in the relay and both ends).
    long[] sorted = probe.sortedLatencies(events / 10);
    return new Measurement(mbps, cpuPerGb, kernelPerGb, updatesPerSecond, cpuPerUpdate, kernelPerUpdate,
        LatencyProbe.percentile(sorted, 50) / 1e3, LatencyProbe.percentile(sorted, 99) / 1e3,
        events - probe.arrivals());
  }

  private static LoadClient connect(EventLoopGroup clients, Target target) throws Exception {
    return LoadClient.connect(clients, target.transport(), target.port(), target.path());
  }

  /** A 1 s warm-up, then {@code seconds} counted: how far {@code counter} advanced and what the relay spent. */
  private Window window(LongSupplier counter, ExternalRelay relay) throws InterruptedException {
    Thread.sleep(1000); // warm-up: connection, JIT, socket buffers
    long startCount = counter.getAsLong();
    ExternalRelay.CpuTicks startTicks = cpuTicks(relay);
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    long count = counter.getAsLong() - startCount;
    ExternalRelay.CpuTicks endTicks = cpuTicks(relay);
    double cpuSeconds = (endTicks.total() - startTicks.total()) / ExternalRelay.CLOCK_TICKS_PER_SECOND;
    double kernelSeconds = (endTicks.system() - startTicks.system()) / ExternalRelay.CLOCK_TICKS_PER_SECOND;
    return new Window(count, (System.nanoTime() - start) / 1e9, cpuSeconds, kernelSeconds);
  }

  private static ExternalRelay.CpuTicks cpuTicks(ExternalRelay relay) {
    return relay == null ? ExternalRelay.CpuTicks.NONE : relay.cpuTicks();
  }

  private void report(Map<String, List<Measurement>> results) {
    out.println();
    out.printf(Locale.ROOT, "Medians of %d rounds after one warm-up round; per round %d s of bulk stream, %d s of "
        + "request-response %d-byte updates, %d PointerEvents at %d/s (first 10%% dropped)%n%n",
        rounds, seconds, seconds, ScriptedRfbServer.SMALL_UPDATE_BYTES, events, rate);
    out.println("| path | bulk MB/s | × direct | × proxy, inspector off | × haproxy | × websockify "
        + "| relay CPU s/GB | updates/s | × haproxy | × websockify | relay CPU µs/update |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (String name : results.keySet()) {
      double mbps = median(results, name, Measurement::megabytesPerSecond);
      double ups = median(results, name, Measurement::updatesPerSecond);
      out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.1f |%n",
          name, mbps,
          mbps / median(results, DIRECT, Measurement::megabytesPerSecond),
          mbps / median(results, baseNoInspect(), Measurement::megabytesPerSecond),
          mbps / median(results, HAPROXY, Measurement::megabytesPerSecond),
          mbps / median(results, WEBSOCKIFY, Measurement::megabytesPerSecond),
          median(results, name, Measurement::cpuSecondsPerGigabyte),
          ups,
          ups / median(results, HAPROXY, Measurement::updatesPerSecond),
          ups / median(results, WEBSOCKIFY, Measurement::updatesPerSecond),
          median(results, name, Measurement::cpuMicrosPerUpdate));
    }
    double directP50 = median(results, DIRECT, Measurement::p50Micros);
    double directP99 = median(results, DIRECT, Measurement::p99Micros);
    out.println();
    out.println("| path | input p50 µs | input p99 µs | p50 over direct µs | p99 over direct µs | lost events |");
    out.println("|---|---|---|---|---|---|");
    for (String name : results.keySet()) {
      double p50 = median(results, name, Measurement::p50Micros);
      double p99 = median(results, name, Measurement::p99Micros);
      out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %+.1f | %+.1f | %d |%n", name, p50, p99,
          p50 - directP50, p99 - directP99, results.get(name).stream().mapToInt(Measurement::lostEvents).sum());
    }
    out.println();
    out.println("| proxy TCP path | CPU/GB × haproxy | CPU/GB × haproxy splice-auto | CPU/update × haproxy "
        + "| bulk × inspector off | CPU/GB × inspector off |");
    out.println("|---|---|---|---|---|---|");
    for (String name : results.keySet()) {
      if (!name.startsWith(PROXY)) {
        continue;
      }
      double cpuGb = median(results, name, Measurement::cpuSecondsPerGigabyte);
      // Inspector on against off on the same transport and splice mode (off runs on the first transport only).
      String off = name.replace(PROXY, PROXY_NO_INSPECT);
      out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", name,
          cpuGb / median(results, HAPROXY, Measurement::cpuSecondsPerGigabyte),
          cpuGb / median(results, HAPROXY_SPLICE, Measurement::cpuSecondsPerGigabyte),
          median(results, name, Measurement::cpuMicrosPerUpdate)
              / median(results, HAPROXY, Measurement::cpuMicrosPerUpdate),
          median(results, name, Measurement::megabytesPerSecond)
              / median(results, off, Measurement::megabytesPerSecond),
          cpuGb / median(results, off, Measurement::cpuSecondsPerGigabyte));
    }
    // What a relay's own code costs, apart from the kernel's socket work that every relay of the same bytes pays: a
    // relay cannot cost less than another's total by more than that other's user part.
    out.println();
    out.println("| path | relay CPU s/GB | of which kernel | of which user | relay CPU µs/update | of which kernel "
        + "| of which user |");
    out.println("|---|---|---|---|---|---|---|");
    for (String name : results.keySet()) {
      if (name.equals(DIRECT)) {
        continue;
      }
      out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.1f | %.1f | %.1f |%n", name,
          median(results, name, Measurement::cpuSecondsPerGigabyte),
          median(results, name, Measurement::kernelSecondsPerGigabyte),
          median(results, name, m -> m.cpuSecondsPerGigabyte() - m.kernelSecondsPerGigabyte()),
          median(results, name, Measurement::cpuMicrosPerUpdate),
          median(results, name, Measurement::kernelMicrosPerUpdate),
          median(results, name, m -> m.cpuMicrosPerUpdate() - m.kernelMicrosPerUpdate()));
    }
    out.printf(Locale.ROOT, "%nper-round bulk MB/s: %s%n", perRound(results, Measurement::megabytesPerSecond));
    out.printf(Locale.ROOT, "per-round updates/s: %s%n", perRound(results, Measurement::updatesPerSecond));
    out.printf(Locale.ROOT, "per-round input p99 µs: %s%n", perRound(results, Measurement::p99Micros));
    out.printf(Locale.ROOT, "per-round relay CPU s/GB: %s%n", perRound(results, Measurement::cpuSecondsPerGigabyte));
    out.printf(Locale.ROOT, "per-round relay CPU µs/update: %s%n", perRound(results, Measurement::cpuMicrosPerUpdate));
  }

  private String baseNoInspect() {
    return PROXY_NO_INSPECT + transports.get(0);
  }

  /**
   * The proxy's JVM options with its transport and splice mode chosen ({@code BenchmarkProxy} reads
   * {@code rfba.transport} and {@code rfba.splice}).
   */
  private String onTransport(String transport, boolean splice) {
    return (proxyJvmArgs + " -Drfba.transport=" + transport + " -Drfba.splice=" + (splice ? "on" : "off")).trim();
  }

  /** Copying always; splicing as well where the proxy can splice (epoll). */
  private static boolean[] splices(String transport) {
    return transport.equals("epoll") ? new boolean[] {false, true} : new boolean[] {false};
  }

  private static double median(Map<String, List<Measurement>> results, String name,
      java.util.function.ToDoubleFunction<Measurement> metric) {
    return Measurement.median(results.getOrDefault(name, List.of()), metric);
  }

  private static String perRound(Map<String, List<Measurement>> results,
      java.util.function.ToDoubleFunction<Measurement> metric) {
    StringBuilder sb = new StringBuilder();
    results.forEach((name, r) -> sb.append(System.lineSeparator()).append("  ").append(name).append(": ")
        .append(Measurement.values(r, metric)));
    return sb.toString();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
