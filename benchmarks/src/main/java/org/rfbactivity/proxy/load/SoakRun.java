package org.rfbactivity.proxy.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rfbactivity.proxy.load.LoadClient.Transport;

/**
 * The proxy under everything at once for a long time: {@code --viewers} normal viewers (half raw TCP, half WebSocket,
 * each moving the pointer and asking for an update once a second), reconnect churn (10 viewers a second replaced),
 * garbage connects (20 a second: bare connects, random bytes, upgrades that close, bad requests, silent clients) and
 * a frame flood every minute (2 s of empty, 1-byte, continuation or ping frames, reconnecting when closed). The proxy
 * runs as a deployed one would, in its own JVM from the real command line, with the README's heap limit and with
 * Netty's leak detection at paranoid. Every 10 s it prints the proxy's resident set, its event-loop lag (its own
 * probe, {@code vnc_proxy_event_loop_lag_seconds}) and its open viewers; at the end the lag distribution over the
 * whole run, the resident set, what was refused and why, and the {@code LEAK:} reports in the proxy's log.
 *
 * <p>Clients come from distinct loopback addresses, as they would from distinct hosts, so that the proxy's
 * per-address limits apply as they would in production: viewers from 127.0.1.1–50, garbage from 127.0.2.1–20,
 * floods from 127.0.3.1.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.rfbactivity.proxy.load.SoakRun --minutes 30
 * </pre>
 */
public final class SoakRun {

  /** The heap limit of the README's run command. */
  static final String HEAP = "-Xmx256m";
  static final int VIEWER_SOURCES = 50;
  static final int GARBAGE_SOURCES = 20;
  static final Duration INPUT_PERIOD = Duration.ofSeconds(1);
  static final Duration CHURN_PERIOD = Duration.ofMillis(100);
  static final Duration GARBAGE_PERIOD = Duration.ofMillis(50);
  static final Duration FLOOD_PERIOD = Duration.ofMinutes(1);
  static final Duration FLOOD_LENGTH = Duration.ofSeconds(2);
  static final Duration SAMPLE_PERIOD = Duration.ofSeconds(10);

  private static final Pattern LAG_BUCKET =
      Pattern.compile("^vnc_proxy_event_loop_lag_seconds_bucket\\{le=\"([^\"]+)\"\\}$");
  private static final Pattern METRIC = Pattern.compile("^(\\S+?)(\\{[^}]*\\})? ([0-9.E+-]+|NaN)$");

  private final int viewers;
  private final Duration length;
  private final PrintStream out;
  private final AtomicLong viewerConnects = new AtomicLong();
  private final AtomicLong viewerFailures = new AtomicLong();
  private final AtomicLong garbage = new AtomicLong();
  private final AtomicLong floodConnections = new AtomicLong();
  private final AtomicLong floodBytes = new AtomicLong();
  private final HttpClient http = HttpClient.newHttpClient();

  private SoakRun(int viewers, Duration length, PrintStream out) {
    this.viewers = viewers;
    this.length = length;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int minutes = 30;
    int viewers = 500;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--minutes" -> minutes = Integer.parseInt(args[i + 1]);
        case "--viewers" -> viewers = Integer.parseInt(args[i + 1]);
        default -> usage();
      }
    }
    if (args.length % 2 != 0 || minutes < 1 || viewers < 2) {
      usage();
    }
    new SoakRun(viewers, Duration.ofMinutes(minutes), System.out).run();
  }

  private static void usage() {
    System.err.println("usage: SoakRun [--minutes N (30)] [--viewers N (500)]");
    System.exit(2);
  }

  private void run() throws Exception {
    Path work = Files.createTempDirectory("rfba-soak");
    EventLoopGroup clients = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ScheduledExecutorService driver = Executors.newScheduledThreadPool(2);
    ExecutorService blocking = Executors.newCachedThreadPool();
    AtomicReferenceArray<LoadClient> slots = new AtomicReferenceArray<>(viewers);
    try (ScriptedRfbServer server = new ScriptedRfbServer().start()) {
      int tcp = RelayLoadBenchmark.freePort();
      int ws = RelayLoadBenchmark.freePort();
      int admin = RelayLoadBenchmark.freePort();
      List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
          .toString(), HEAP, "-Dio.netty.leakDetection.level=paranoid", "-Dio.netty.leakDetection.targetRecords=32",
          "-cp", BenchmarkProxy.absoluteClassPath(), "org.rfbactivity.proxy.Main",
          "--target", "127.0.0.1:" + server.port(), "--session-id", "soak", "--store", "memory",
          "--tcp-listen", "127.0.0.1:" + tcp, "--ws-listen", "127.0.0.1:" + ws,
          "--admin-listen", "127.0.0.1:" + admin));
      try (ExternalRelay proxy = ExternalRelay.start("proxy", command, work, tcp, ws, admin)) {
        out.printf(Locale.ROOT, "proxy pid %d (%s, leak detection paranoid), log %s%n", proxy.pid(), HEAP,
            work.resolve("proxy.log"));
        for (int i = 0; i < viewers; i++) {
          slots.set(i, openViewer(clients, i, tcp, ws));
        }
        out.printf(Locale.ROOT, "%d viewers connected; running for %d min%n", viewers, length.toMinutes());
        long[] rss = {proxy.residentKib(), 0};
        int[] next = {0};
        driver.scheduleAtFixedRate(() -> {
          int i = next[0]++ % viewers;
          LoadClient old = slots.getAndSet(i, null);
          blocking.execute(() -> {
            if (old != null) {
              old.close();
            }
            slots.set(i, openViewer(clients, i, tcp, ws));
          });
        }, CHURN_PERIOD.toNanos(), CHURN_PERIOD.toNanos(), TimeUnit.NANOSECONDS);
        driver.scheduleAtFixedRate(() -> blocking.execute(() -> garbage(tcp, ws)),
            GARBAGE_PERIOD.toNanos(), GARBAGE_PERIOD.toNanos(), TimeUnit.NANOSECONDS);
        int[] floods = {0};
        TreeMap<Double, Double> previous = new TreeMap<>();
        driver.scheduleAtFixedRate(() -> blocking.execute(() -> flood(ws, floods[0]++)),
            FLOOD_PERIOD.toNanos() / 2, FLOOD_PERIOD.toNanos(), TimeUnit.NANOSECONDS);
        long start = System.nanoTime();
        while (System.nanoTime() - start < length.toNanos()) {
          Thread.sleep(SAMPLE_PERIOD.toMillis()); // the driver's sampling period
          long now = proxy.residentKib();
          rss[1] = Math.max(rss[1], now);
          Map<String, Double> m = metrics(admin);
          TreeMap<Double, Double> buckets = lagBuckets(m);
          out.printf(Locale.ROOT, "%4d s  rss %6d KiB  lag p99 <= %s ms  max %6.1f ms  open %4.0f  "
                  + "connects %d (failed %d)  garbage %d  flood connections %d%n",
              (System.nanoTime() - start) / 1_000_000_000L, now, p99(minus(buckets, previous)),
              1000 * m.getOrDefault("vnc_proxy_event_loop_lag_seconds_max", Double.NaN),
              m.getOrDefault("vnc_proxy_viewers_open", Double.NaN), viewerConnects.get(), viewerFailures.get(),
              garbage.get(), floodConnections.get());
          previous = buckets;
        }
        driver.shutdownNow();
        report(admin, rss, work.resolve("proxy.log"));
      }
    } finally {
      driver.shutdownNow();
      blocking.shutdownNow();
      for (int i = 0; i < viewers; i++) {
        LoadClient c = slots.get(i);
        if (c != null) {
          c.close();
        }
      }
      clients.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Viewer {@code i}: TCP or WebSocket by parity, from one of {@link #VIEWER_SOURCES} addresses. */
  private LoadClient openViewer(EventLoopGroup clients, int i, int tcp, int ws) {
    boolean overTcp = i % 2 == 0;
    try {
      LoadClient c = LoadClient.connect(clients, overTcp ? Transport.TCP : Transport.WEBSOCKET, overTcp ? tcp : ws,
          "/websockify", address(1, 1 + i % VIEWER_SOURCES));
      c.startInput(INPUT_PERIOD.toNanos() + ThreadLocalRandom.current().nextLong(1_000_000));
      viewerConnects.incrementAndGet();
      return c;
    } catch (Exception e) {
      viewerFailures.incrementAndGet();
      return null;
    }
  }

  /** One garbage connection of a random kind, from one of {@link #GARBAGE_SOURCES} addresses. */
  private void garbage(int tcp, int ws) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    InetAddress source = address(2, 1 + random.nextInt(GARBAGE_SOURCES));
    int kind = random.nextInt(5);
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(source, 0));
      s.setSoTimeout(5_000);
      s.connect(new InetSocketAddress("127.0.0.1", kind < 3 ? tcp : ws), 2_000);
      InputStream in = s.getInputStream();
      OutputStream o = s.getOutputStream();
      switch (kind) {
        case 0 -> { } // a load balancer's health check: connect and close
        case 1 -> {   // the banner, then bytes that are not RFB
          in.readNBytes(12);
          byte[] junk = new byte[1 + random.nextInt(2048)];
          random.nextBytes(junk);
          o.write(junk);
        }
        case 2 -> {   // reads the banner and says nothing for a while
          in.readNBytes(12);
          Thread.sleep(random.nextInt(3_000)); // a silent client, held open
        }
        case 3 -> {   // a WebSocket upgrade that closes at once
          o.write(upgrade().getBytes(StandardCharsets.US_ASCII));
          in.readNBytes(129);
        }
        default -> o.write("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
    } catch (IOException e) {
      // refused or reset by the proxy: what garbage is for
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    garbage.incrementAndGet();
  }

  /** {@link #FLOOD_LENGTH} of one degenerate frame shape on /websockify, reconnecting whenever it is closed. */
  private void flood(int ws, int round) {
    byte[][] shapes = {
        {(byte) 0x82, (byte) 0x80, 0, 0, 0, 0},             // empty binary frames
        {(byte) 0x82, (byte) 0x81, 0, 0, 0, 0, 0},          // one-byte binary frames
        {0x00, (byte) 0x80, 0, 0, 0, 0},                    // empty continuations (after an unfinished binary)
        {(byte) 0x89, (byte) 0x80, 0, 0, 0, 0}};            // empty pings, pongs never read
    byte[] unit = shapes[round % shapes.length];
    ByteBuffer units = ByteBuffer.allocate(unit.length * (64 * 1024 / unit.length));
    while (units.remaining() >= unit.length) {
      units.put(unit);
    }
    long end = System.nanoTime() + FLOOD_LENGTH.toNanos();
    while (System.nanoTime() < end) {
      try (SocketChannel ch = SocketChannel.open()) {
        ch.bind(new InetSocketAddress(address(3, 1), 0));
        ch.connect(new InetSocketAddress("127.0.0.1", ws));
        ch.write(ByteBuffer.wrap(upgrade().getBytes(StandardCharsets.US_ASCII)));
        ch.read(ByteBuffer.allocate(129));
        floodConnections.incrementAndGet();
        if (round % shapes.length == 2) {
          ch.write(ByteBuffer.wrap(new byte[] {0x02, (byte) 0x80, 0, 0, 0, 0}));
        }
        ch.configureBlocking(false);
        while (System.nanoTime() < end) {
          units.rewind();
          int n = ch.write(units);
          floodBytes.addAndGet(n);
          if (n == 0) {
            Thread.onSpinWait();
          }
        }
      } catch (IOException e) {
        // closed by the proxy as a flood, or refused: reconnect while the window lasts
      }
    }
  }

  private void report(int admin, long[] rss, Path log) throws Exception {
    Map<String, Double> m = metrics(admin);
    TreeMap<Double, Double> buckets = lagBuckets(m);
    double probes = m.getOrDefault("vnc_proxy_event_loop_lag_seconds_count", 0.0);
    out.printf(Locale.ROOT, "%nevent-loop lag over the whole run: %.0f probes (every 250 ms per loop)%n", probes);
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      out.printf(Locale.ROOT, "  <= %6.0f ms: %7.3f %%%n", b.getKey() * 1000, 100 * b.getValue() / probes);
    }
    out.printf(Locale.ROOT, "  p99 <= %s ms; max in the last minutes %.1f ms%n", p99(buckets),
        1000 * m.getOrDefault("vnc_proxy_event_loop_lag_seconds_max", Double.NaN));
    out.printf(Locale.ROOT, "proxy resident set: %d KiB at the start, %d KiB at most (%s)%n", rss[0], rss[1], HEAP);
    out.printf(Locale.ROOT, "viewer connects %d (failed %d), garbage connections %d, flood connections %d "
        + "(%.1f MB sent)%n", viewerConnects.get(), viewerFailures.get(), garbage.get(), floodConnections.get(),
        floodBytes.get() / 1e6);
    for (Map.Entry<String, Double> e : new TreeMap<>(m).entrySet()) {
      if ((e.getKey().startsWith("vnc_proxy_connections_refused_total")
          || e.getKey().startsWith("vnc_proxy_viewers_closed_total")) && e.getValue() > 0) {
        out.printf(Locale.ROOT, "  %s %.0f%n", e.getKey(), e.getValue());
      }
    }
    long leaks;
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      leaks = lines.filter(l -> l.contains("LEAK:")).count();
    }
    out.printf(Locale.ROOT, "LEAK reports in the proxy's log (paranoid detection): %d%n", leaks);
  }

  /** The lag histogram's cumulative bucket counts by upper bound in seconds (without +Inf). */
  private static TreeMap<Double, Double> lagBuckets(Map<String, Double> metrics) {
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      Matcher b = LAG_BUCKET.matcher(e.getKey());
      if (b.matches() && !b.group(1).equals("+Inf")) {
        buckets.put(Double.parseDouble(b.group(1)), e.getValue());
      }
    }
    return buckets;
  }

  private static TreeMap<Double, Double> minus(TreeMap<Double, Double> now, TreeMap<Double, Double> before) {
    TreeMap<Double, Double> window = new TreeMap<>();
    now.forEach((le, count) -> window.put(le, count - before.getOrDefault(le, 0.0)));
    return window;
  }

  /** The smallest bucket bound (ms) under which 99 % of the probes fall, or "more" when none holds them. */
  private static String p99(TreeMap<Double, Double> buckets) {
    double total = buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      if (total > 0 && b.getValue() >= 0.99 * total) {
        return String.format(Locale.ROOT, "%.0f", b.getKey() * 1000);
      }
    }
    return "more than " + (buckets.isEmpty() ? "?" : String.format(Locale.ROOT, "%.0f", buckets.lastKey() * 1000));
  }

  private Map<String, Double> metrics(int admin) throws IOException, InterruptedException {
    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> values = new TreeMap<>();
    for (String line : body.split("\n")) {
      Matcher m = METRIC.matcher(line);
      if (!line.startsWith("#") && m.matches() && !m.group(3).equals("NaN")) {
        String labels = m.group(2) == null ? "" : m.group(2).replace(",}", "}");
        values.put(m.group(1) + labels, Double.parseDouble(m.group(3)));
      }
    }
    return values;
  }

  private static String upgrade() {
    return "GET /websockify HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  }

  private static InetAddress address(int third, int fourth) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, (byte) third, (byte) fourth});
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
