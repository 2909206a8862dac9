package org.rfbactivity.proxy.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rfbactivity.proxy.load.LoadClient.Transport;

/**
 * Idle proxied connections (docs/architecture.md#target-numbers: 10k on one 2-core box, ≤ 32 KiB heap each): opens N viewers through
 * the proxy (its own JVM, inspector on, in-memory store), each completing the RFB handshake against the scripted
 * server and then staying idle, and reads the proxy's live heap after a full GC ({@code jcmd GC.run},
 * {@code GC.heap_info}) and its resident set before and after. Every connection costs the proxy two descriptors
 * and the load JVM two (viewer and scripted server), so 10,000 needs a descriptor limit above 20,000
 * ({@code prlimit --nofile=65536:65536} where the hard limit allows):
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.rfbactivity.proxy.load.IdleConnectionsRun --connections 9000 \
 *     --proxy-jvm-args -Xmx256m
 * </pre>
 */
public final class IdleConnectionsRun {

  private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K");

  private IdleConnectionsRun() {}

  public static void main(String[] args) throws Exception {
    int connections = 10_000;
    String jvmArgs = "";
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 < args.length && args[i].equals("--connections") && args[i + 1].matches("[1-9][0-9]{0,5}")) {
        connections = Integer.parseInt(args[i + 1]);
      } else if (i + 1 < args.length && args[i].equals("--proxy-jvm-args")) {
        jvmArgs = args[i + 1];
      } else {
        System.err.println("usage: IdleConnectionsRun [--connections N (10000)] [--proxy-jvm-args \"-Xmx256m …\"]");
        System.exit(2);
      }
    }
    run(connections, jvmArgs, System.out);
  }

  private static void run(int connections, String jvmArgs, PrintStream out) throws Exception {
    Path work = Files.createTempDirectory("rfba-idle");
    EventLoopGroup clients = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    List<LoadClient> open = new ArrayList<>(connections);
    try (ScriptedRfbServer server = new ScriptedRfbServer().start()) {
      int tcp = RelayLoadBenchmark.freePort();
      int ws = RelayLoadBenchmark.freePort();
      try (ExternalRelay proxy = ExternalRelay.start("proxy",
          BenchmarkProxy.command(jvmArgs, tcp, ws, server.port(), true), work, tcp, ws)) {
        long before = liveHeapKib(proxy.pid());
        long rssBefore = proxy.residentKib();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
          open.add(LoadClient.connect(clients, Transport.TCP, tcp, ""));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long after = liveHeapKib(proxy.pid());
        long rssAfter = proxy.residentKib();
        double perConnection = (after - before) * 1024.0 / connections;
        out.printf(Locale.ROOT, "%d idle viewers through the proxy (RFB handshake done, inspector on, in-memory "
            + "tracker), opened in %.1f s%n", connections, seconds);
        out.printf(Locale.ROOT, "proxy live heap after full GC: %d KiB before, %d KiB after: %.0f bytes "
            + "(%.1f KiB) per connection%n", before, after, perConnection, perConnection / 1024);
        // Resident memory also counts Netty's pooled direct buffers and thread stacks, which the heap does not.
        out.printf(Locale.ROOT, "proxy resident set: %d KiB before, %d KiB after: %.1f KiB per connection%n",
            rssBefore, rssAfter, (rssAfter - rssBefore) / (double) connections);
        out.printf(Locale.ROOT, "proxy CPU while they sat idle for 10 s: %.2f s%n", idleCpuSeconds(proxy));
      }
    } finally {
      for (LoadClient client : open) {
        client.close();
      }
      clients.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static double idleCpuSeconds(ExternalRelay proxy) throws InterruptedException {
    long ticks = proxy.cpuTicks().total();
    Thread.sleep(10_000); // the idle window being measured
    return (proxy.cpuTicks().total() - ticks) / ExternalRelay.CLOCK_TICKS_PER_SECOND;
  }

  /** Runs a full GC in the process, then reads the G1 heap's used size. */
  private static long liveHeapKib(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = G1_USED.matcher(info);
    if (!m.find()) {
      throw new IOException("unexpected GC.heap_info output (is the proxy on G1?):\n" + info);
    }
    return Long.parseLong(m.group(1));
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), command).redirectErrorStream(true).start();
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed: " + output);
    }
    return output;
  }
}
