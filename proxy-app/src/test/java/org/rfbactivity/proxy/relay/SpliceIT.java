package org.rfbactivity.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rfbactivity.proxy.testing.LeakWatch;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * {@code --splice on} on epoll: after ServerInit a raw TCP viewer's server bytes move by splice(2)
 * (docs/architecture.md#splice). Each test runs a real proxy on epoll against a server socket that does the RFB 3.8
 * handshake with security None (docs/protocol.md#handshake) and then streams seeded random bytes; the viewer is a
 * plain socket. The metric {@code vnc_proxy_viewers_spliced_total} proves the splice ran; the relayed-bytes metric must
 * count exactly what the server's stream held.
 */
@ExtendWith(LeakWatch.class)
class SpliceIT {

  static final byte[] VERSION = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] NAME = "splice".getBytes(StandardCharsets.US_ASCII);
  /** Server handshake bytes: version 12, security types 2, SecurityResult 4, ServerInit 24 + name. */
  static final int SERVER_HANDSHAKE = 12 + 2 + 4 + 24 + NAME.length;
  /** Client handshake bytes: version 12, security choice 1, ClientInit 1. */
  static final int CLIENT_HANDSHAKE = 12 + 1 + 1;
  static final int BLOCK = 1 << 20;

  final long seed = new SecureRandom().nextLong();
  final ExecutorService pool = Executors.newCachedThreadPool();
  ServerSocket vnc;
  TestProxy proxy;

  @BeforeEach
  void start() throws Exception {
    vnc = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    // Splice needs epoll: named, so that the suite's NIO pass (-Drfba.test.transport=nio) tests it too.
    proxy = TestProxy.start("--target", "127.0.0.1:" + vnc.getLocalPort(), "--session-id", "desk",
        "--transport", "epoll", "--splice", "on");
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    vnc.close();
    pool.shutdownNow();
  }

  @Test
  void aMultiGigabyteServerStreamArrivesByteForByteAndIsCountedExactly() throws Exception {
    long total = (2L << 30) + (64L << 20);                    // past 2^31: no count may be an int
    Future<String> sent = pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        serverHandshake(s);
        String sha = stream(s.getOutputStream(), total, new AtomicLong());
        s.shutdownOutput();
        s.getInputStream().readAllBytes();
        return sha;
      }
    });
    long started = System.nanoTime();
    try (Socket viewer = viewer()) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long got = readAll(viewer.getInputStream(), sha, Long.MAX_VALUE);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      System.out.printf("spliced %d bytes in %d ms (%.0f MB/s)%n", got, millis, got / 1e3 / millis);
      assertThat(got).as("seed %d", seed).isEqualTo(total);
      assertThat(HexFormat.of().formatHex(sha.digest())).as("seed %d", seed)
          .isEqualTo(sent.get(10, TimeUnit.SECONDS));
    }
    awaitClosed();
    assertThat(spliced()).isEqualTo(1.0);
    assertThat(relayed("server_to_client")).isEqualTo((double) (SERVER_HANDSHAKE + total));
    assertThat(relayed("client_to_server")).isEqualTo((double) CLIENT_HANDSHAKE);
  }

  @Test
  void aViewerThatStopsReadingHoldsTheServerBackWithNothingLostAndNoMemoryUsed() throws Exception {
    long total = 512L << 20;
    AtomicLong progress = new AtomicLong();
    Future<String> sent = pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        serverHandshake(s);
        String sha = stream(s.getOutputStream(), total, progress);
        s.shutdownOutput();
        s.getInputStream().readAllBytes();
        return sha;
      }
    });
    try (Socket viewer = viewer()) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long first = readAll(viewer.getInputStream(), sha, 4 * BLOCK);
      long directBefore = usedDirectMemory();
      // The viewer reads nothing more: the server's writes must stall, with the stream far from sent.
      long[] last = {-1};
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
        long now = progress.get();
        boolean stalled = now == last[0];
        last[0] = now;
        return stalled;
      });
      long held = progress.get();
      // At most what the kernel buffers between the two ends (socket buffers up to tcp_rmem's 32 MiB here, a pipe).
      assertThat(held).as("what the server could send while the viewer read %d bytes", first)
          .isLessThan(first + (96L << 20));
      long taken = usedDirectMemory() - directBefore;
      System.out.printf("server held back after %d bytes, direct memory %d -> +%d%n", held, directBefore, taken);
      assertThat(held - first).as("held back in the kernel's buffers, not in the proxy").isGreaterThan(1 << 20);
      assertThat(taken).as("the proxy's direct memory while the server is held back").isLessThan(1L << 20);
      assertThat(sent.isDone()).isFalse();

      long rest = readAll(viewer.getInputStream(), sha, Long.MAX_VALUE);
      assertThat(first + rest).as("seed %d", seed).isEqualTo(total);
      assertThat(HexFormat.of().formatHex(sha.digest())).as("seed %d", seed)
          .isEqualTo(sent.get(10, TimeUnit.SECONDS));
    }
    awaitClosed();
    assertThat(spliced()).isEqualTo(1.0);
    assertThat(relayed("server_to_client")).isEqualTo((double) (SERVER_HANDSHAKE + total));
  }

  @Test
  void aServerThatHalfClosesWhileTheViewerLagsHasItsWholeStreamDeliveredAndHearsTheViewersAnswer()
      throws Exception {
    // More than the sockets and the pipe hold at once: the server's FIN arrives with its stream still queued.
    long total = 64L << 20;
    byte[] answer = "the viewer's answer after the server's FIN".getBytes(StandardCharsets.US_ASCII);
    Future<byte[]> serverGot = pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        serverHandshake(s);
        stream(s.getOutputStream(), total, new AtomicLong());
        s.shutdownOutput();
        return s.getInputStream().readAllBytes();
      }
    });
    try (Socket viewer = viewer()) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long got = readAll(viewer.getInputStream(), sha, Long.MAX_VALUE);
      assertThat(got).as("the whole stream, then the server's FIN; seed %d", seed).isEqualTo(total);
      assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(expectedSha(total));
      viewer.getOutputStream().write(answer);
      viewer.shutdownOutput();
      assertThat(viewer.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(serverGot.get(10, TimeUnit.SECONDS)).isEqualTo(answer);
    awaitClosed();
    assertThat(spliced()).isEqualTo(1.0);
    assertThat(relayed("server_to_client")).isEqualTo((double) (SERVER_HANDSHAKE + total));
    assertThat(relayed("client_to_server")).isEqualTo((double) (CLIENT_HANDSHAKE + answer.length));
    assertThat(closed("server_closed")).isEqualTo(1.0);
  }

  /**
   * The answer is 64 KiB, what the viewer's socket takes at once: with Netty 4.2.18 a channel whose input has ended
   * and that waits for nothing is removed from epoll and cannot wait for its socket to drain any more, on either path
   * (docs/architecture.md#splice).
   */
  @Test
  void aViewerThatHalfClosesStillReceivesTheServersWholeAnswer() throws Exception {
    long total = 64L << 10;
    byte[] request = "the viewer's last words before its FIN".getBytes(StandardCharsets.US_ASCII);
    Future<byte[]> serverGot = pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        serverHandshake(s);
        s.getOutputStream().write(new byte[] {0, 0, 0, 0}); // FramebufferUpdate: type 0, pad, 0 rectangles
        byte[] got = s.getInputStream().readAllBytes();       // until the viewer's FIN
        stream(s.getOutputStream(), total, new AtomicLong());
        s.shutdownOutput();
        return got;
      }
    });
    try (Socket viewer = viewer()) {
      // The FramebufferUpdate's read burst is the first the splice moves: only then does the viewer finish.
      assertThat(viewer.getInputStream().readNBytes(4)).isEqualTo(new byte[] {0, 0, 0, 0});
      viewer.getOutputStream().write(request);
      viewer.shutdownOutput();
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long got = readAll(viewer.getInputStream(), sha, Long.MAX_VALUE);
      assertThat(got).as("seed %d", seed).isEqualTo(total);
      assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(expectedSha(total));
    }
    assertThat(serverGot.get(10, TimeUnit.SECONDS)).isEqualTo(request);
    awaitClosed();
    assertThat(spliced()).isEqualTo(1.0);
    assertThat(relayed("server_to_client")).isEqualTo((double) (SERVER_HANDSHAKE + 4 + total));
    assertThat(relayed("client_to_server")).isEqualTo((double) (CLIENT_HANDSHAKE + request.length));
    assertThat(closed("client_closed")).isEqualTo(1.0);
  }

  @Test
  void aServerThatKeepsSendingAfterTheViewerClosedIsCutOffAndTheNextViewerGetsOnlyItsOwnStream() throws Exception {
    AtomicLong progress = new AtomicLong();
    Future<IOException> endless = pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        serverHandshake(s);
        stream(s.getOutputStream(), Long.MAX_VALUE, progress);
        return null;
      } catch (IOException expected) {
        return expected;                                      // the proxy cut the server off
      }
    });
    long got;
    try (Socket viewer = viewer()) {
      got = readAll(viewer.getInputStream(), MessageDigest.getInstance("SHA-256"), 8 * BLOCK);
    } // closed with the server still sending: the viewer's kernel answers what arrives with a reset
    assertThat(got).isEqualTo(8 * BLOCK);
    assertThat(endless.get(30, TimeUnit.SECONDS)).as("the server's write fails once the proxy closed it")
        .isInstanceOf(IOException.class);
    awaitClosed();
    // The viewer's close: client_closed when the splice's write finds it gone first (nearly always), client_error
    // when the proxy reads its reset first (proxy-app/README.md, Closing). Never the server's: a splice failed by
    // the viewer's reset was once counted server_error.
    assertThat(closedReasons()).as("the one close's reason").isIn(
        Map.of("client_closed", 1.0), Map.of("client_error", 1.0));
    // progress counts whole blocks whose write returned; the block being written when the proxy cut the server off
    // may have reached the proxy in part or whole before that write failed.
    assertThat(relayed("server_to_client")).as("counted: at least what the viewer read, at most what was sent")
        .isBetween((double) (SERVER_HANDSHAKE + got), (double) (SERVER_HANDSHAKE + progress.get() + BLOCK));

    // The next viewer, on the same event loops: its stream alone, byte for byte.
    long total = 32L << 20;
    viewerReceivesExactly(total);
    awaitClosed();
    assertThat(spliced()).isEqualTo(2.0);
  }

  /**
   * {@code --splice auto}, the default, copies between loopback ends, where splicing measured costlier
   * (docs/architecture.md#splice): the same stream arrives exactly, counted, with no viewer spliced.
   */
  @Test
  void autoCopiesWhenTheViewerAndTheServerAreOnLoopback() throws Exception {
    proxy.close();
    proxy = TestProxy.start("--target", "127.0.0.1:" + vnc.getLocalPort(), "--session-id", "desk",
        "--transport", "epoll", "--splice", "auto");
    long total = 64L << 20;
    viewerReceivesExactly(total);
    awaitClosed();
    assertThat(spliced()).isEqualTo(0.0);
    assertThat(relayed("server_to_client")).isEqualTo((double) (SERVER_HANDSHAKE + total));
  }

  // ---------------------------------------------------------------- helpers

  /**
   * One viewer whose server streams {@code total} seeded bytes after the handshake and then sends its FIN: the viewer
   * receives exactly those bytes, in order (SHA-256), then the end.
   */
  void viewerReceivesExactly(long total) throws Exception {
    Future<String> sent = pool.submit(() -> {
      try (Socket s = vnc.accept()) {
        serverHandshake(s);
        String sha = stream(s.getOutputStream(), total, new AtomicLong());
        s.shutdownOutput();
        s.getInputStream().readAllBytes();
        return sha;
      }
    });
    try (Socket viewer = viewer()) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      assertThat(readAll(viewer.getInputStream(), sha, Long.MAX_VALUE)).as("seed %d", seed).isEqualTo(total);
      assertThat(HexFormat.of().formatHex(sha.digest())).as("seed %d", seed)
          .isEqualTo(sent.get(10, TimeUnit.SECONDS));
    }
  }

  /** The server's half of the handshake, lock-step (docs/protocol.md#handshake). */
  static void serverHandshake(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    out.write(VERSION);                                       // ProtocolVersion
    assertThat(in.readNBytes(12)).isEqualTo(VERSION);
    out.write(new byte[] {1, 1});                             // 1 security type: None
    assertThat(in.read()).isEqualTo(1);                       // the client chose None
    out.write(new byte[] {0, 0, 0, 0});                       // SecurityResult OK
    assertThat(in.read()).isEqualTo(1);                       // ClientInit shared=1
    byte[] init = new byte[24 + NAME.length];
    init[0] = 4;                                              // width 1024
    init[3] = 3;                                              // height 768
    init[4] = 32;                                             // bits per pixel
    init[5] = 24;                                             // depth
    init[23] = (byte) NAME.length;                            // name length (u32)
    System.arraycopy(NAME, 0, init, 24, NAME.length);
    out.write(init);                                          // ServerInit
    out.flush();
  }

  /** A viewer through the proxy that has done its half of the handshake and read the server's to its end. */
  Socket viewer() throws IOException {
    Socket viewer = new Socket();
    viewer.connect(proxy.tcp(), 5000);
    viewer.setSoTimeout(60_000);
    InputStream in = viewer.getInputStream();
    OutputStream out = viewer.getOutputStream();
    assertThat(in.readNBytes(12)).isEqualTo(VERSION);
    out.write(VERSION);
    assertThat(in.readNBytes(2)).isEqualTo(new byte[] {1, 1});
    out.write(1);
    assertThat(in.readNBytes(4)).isEqualTo(new byte[] {0, 0, 0, 0});
    out.write(1);
    assertThat(in.readNBytes(24 + NAME.length)).hasSize(24 + NAME.length);
    return viewer;
  }

  /**
   * Writes {@code total} bytes: seeded random 1 MiB blocks, each stamped with its index so that a block lost, doubled
   * or swapped changes the hash. Returns their SHA-256; {@code progress} counts what was written.
   */
  String stream(OutputStream out, long total, AtomicLong progress) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] block = block();
    for (long i = 0, written = 0; written < total; i++) {
      stamp(block, i);
      int n = (int) Math.min(BLOCK, total - written);
      out.write(block, 0, n);
      sha.update(block, 0, n);
      written += n;
      progress.set(written);
    }
    out.flush();
    return HexFormat.of().formatHex(sha.digest());
  }

  String expectedSha(long total) throws Exception {
    return stream(OutputStream.nullOutputStream(), total, new AtomicLong());
  }

  byte[] block() {
    byte[] block = new byte[BLOCK];
    new Random(seed).nextBytes(block);
    return block;
  }

  static void stamp(byte[] block, long index) {
    for (int b = 0; b < 8; b++) {
      block[b] = (byte) (index >>> (8 * b));
    }
  }

  /** Reads up to {@code max} bytes (or to the end), hashing them; returns how many. */
  static long readAll(InputStream in, MessageDigest sha, long max) throws IOException {
    byte[] buf = new byte[BLOCK];
    long got = 0;
    while (got < max) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, max - got));
      if (n < 0) {
        break;
      }
      sha.update(buf, 0, n);
      got += n;
    }
    return got;
  }

  /** What the proxy's buffer allocator (the channels' default) holds. */
  static long usedDirectMemory() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }

  void awaitClosed() {
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.server().connectedViewers() == 0);
  }

  double spliced() {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.spliced").counter().count();
  }

  double relayed(String direction) {
    return proxy.server().meterRegistry().get("vnc.proxy.relayed").tag("direction", direction).functionCounter()
        .count();
  }

  /** Every close reason counted so far, with its count. */
  Map<String, Double> closedReasons() {
    return proxy.server().meterRegistry().find("vnc.proxy.viewers.closed").counters().stream()
        .filter(c -> c.count() > 0).collect(Collectors.toMap(c -> c.getId().getTag("reason"), Counter::count));
  }

  double closed(String reason) {
    return proxy.server().meterRegistry().get("vnc.proxy.viewers.closed").tag("reason", reason).counter().count();
  }
}
