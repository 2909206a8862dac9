package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.testing.FragmentingWsTransport;
import org.rfbactivity.proxy.testing.ProxyProcess;
import org.rfbactivity.proxy.testing.RfbScript;
import org.rfbactivity.proxy.testing.ScriptedRfbClient;
import org.rfbactivity.proxy.testing.ScriptedRfbServer;
import org.rfbactivity.proxy.testing.ScriptedRfbServer.Behaviour;
import org.rfbactivity.proxy.testing.TcpTransport;
import org.rfbactivity.proxy.testing.WriteFlood;

/**
 * The proxy as the README runs it (its own JVM, {@code -Xmx256m}) under ten seconds of every frame flood at once, while
 * viewers keep being served: its resident set stays within the memory budget the README states. Before the fix a
 * one-second flood of empty frames grew a proxy with the JVM's default heap to about 1 GB.
 */
class FloodMemoryIT {

  /** The README's heap limit, and the resident set it promises with it. */
  static final String HEAP = "-Xmx256m";
  static final long BUDGET_KIB = 512 * 1024;
  static final Duration FLOOD = Duration.ofSeconds(10);

  /** Empty binary frames, one-byte binary frames, empty pings whose pongs are never read, 8 KiB binary frames. */
  static final byte[][] SHAPES = {frame(0x82, 0), frame(0x82, 1), frame(0x89, 0), frame(0x82, 8 * 1024)};

  final long seed = new SecureRandom().nextLong();
  final RfbScript script = RfbScript.random(seed, 16 * 1024, 1024);

  @Test
  void theResidentSetStaysWithinTheBudgetUnderEveryFloodAtOnce() throws Exception {
    ExecutorService pool = Executors.newCachedThreadPool();
    Path log = Files.createTempFile("rfba-flood-proxy", ".log");
    try (ScriptedRfbServer server = ScriptedRfbServer.start(script, Behaviour.SCRIPT);
        ProxyProcess proxy = ProxyProcess.start(log, List.of(HEAP), "--target", server.target(), "--session-id",
            "desk", "--store", "memory", "--admin-listen", "none", "--tcp-listen", "127.0.0.1:0", "--ws-listen",
            "127.0.0.1:0", "--max-connect-rate-per-ip", "0")) {
      proxy.awaitReady(Duration.ofSeconds(60));
      InetSocketAddress tcp = new InetSocketAddress("127.0.0.1", proxy.tcpPort());
      InetSocketAddress ws = new InetSocketAddress("127.0.0.1", proxy.wsPort());
      long end = System.nanoTime() + FLOOD.toNanos();
      List<Future<?>> floods = new ArrayList<>();
      for (byte[] shape : SHAPES) {
        floods.add(pool.submit(() -> {
          flood(ws, shape, end);
          return null;
        }));
      }
      AtomicInteger served = new AtomicInteger();
      Future<?> viewers = pool.submit(() -> {
        while (System.nanoTime() - end < 0) {
          try (TcpTransport viewer = TcpTransport.connect(tcp)) {
            assertThat(ScriptedRfbClient.run(viewer, script, pool))
                .isEqualTo(RfbScript.sha256(script.serverStream()));
          }
          served.incrementAndGet();
        }
        return null;
      });
      // The resident set sampled every 200 ms while the floods last.
      AtomicLong worst = new AtomicLong();
      await().atMost(FLOOD.plusSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
        worst.accumulateAndGet(residentKib(proxy.pid()), Math::max);
        return System.nanoTime() - end >= 0;
      });
      for (Future<?> f : floods) {
        f.get(30, TimeUnit.SECONDS);
      }
      viewers.get(60, TimeUnit.SECONDS);
      worst.accumulateAndGet(residentKib(proxy.pid()), Math::max);
      System.out.printf("proxy %s under floods: resident set at most %d KiB, %d viewers served%n", HEAP, worst.get(),
          served.get());
      assertThat(worst.get()).as("resident set (KiB) of the proxy with %s", HEAP).isLessThan(BUDGET_KIB);
      assertThat(served.get()).as("viewers served during the flood").isPositive();
      assertThat(proxy.process().isAlive()).isTrue();
    } finally {
      pool.shutdownNow();
      Files.deleteIfExists(log);
    }
  }

  /** A masked client frame (mask key 0) with a payload of zeros, which frame as SetPixelFormat messages. */
  static byte[] frame(int firstByte, int payload) {
    byte[] header = payload < 126 ? new byte[] {(byte) firstByte, (byte) (0x80 | payload), 0, 0, 0, 0}
        : new byte[] {(byte) firstByte, (byte) (0x80 | 126), (byte) (payload >> 8), (byte) payload, 0, 0, 0, 0};
    byte[] frame = new byte[header.length + payload];
    System.arraycopy(header, 0, frame, 0, header.length);
    return frame;
  }

  /** Upgrades, floods until closed, and again, until {@code end}. */
  private void flood(InetSocketAddress ws, byte[] unit, long end) throws Exception {
    while (end - System.nanoTime() > Duration.ofMillis(50).toNanos()) {
      FragmentingWsTransport viewer = FragmentingWsTransport.connect(ws, "/websockify", seed);
      try {
        SocketChannel ch = viewer.socket().getChannel();
        WriteFlood.during(ch, unit, Duration.ofNanos(Math.max(1, end - System.nanoTime())));
      } finally {
        viewer.socket().close();
      }
    }
  }

  private static long residentKib(long pid) throws IOException {
    try (BufferedReader status = new BufferedReader(new InputStreamReader(
        Files.newInputStream(Path.of("/proc", Long.toString(pid), "status")), StandardCharsets.UTF_8))) {
      for (String line = status.readLine(); line != null; line = status.readLine()) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    }
    throw new IOException("no VmRSS for " + pid);
  }
}
