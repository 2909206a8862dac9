package org.rfbactivity.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rfbactivity.proxy.testing.TestProxy;
import org.rfbactivity.rfb.testing.StreamRecording;
import org.rfbactivity.rfb.testing.XvncServer;

/**
 * Records real viewers' client→server streams for rfb-codec's {@code RecordedViewerStreamsTest}
 * (docs/protocol.md#synthetic-input): each viewer connects through the proxy to a real Xvnc, with a
 * {@link RecordingTap} between the proxy and Xvnc, and is driven like a person or like a jiggler. Runs only when
 * {@code RFBA_RECORD_DIR} names the directory to write the recordings to (rfb-codec's README says how to re-record):
 * the recordings are test resources, made once, not on every build.
 */
class ViewerRecordingIT {

  static final String RECORD_DIR_ENV = "RFBA_RECORD_DIR";
  static final int WIDTH = 1024;
  static final int HEIGHT = 768;
  /** The jigglers' period, compressed from minutes: the detector's rules have no minimum period. */
  static final int PERIOD_MS = 2000;
  static final int PERIODS = 6;

  @Test
  void noVncPerson() throws Exception {
    recordNoVnc("novnc-human-1", viewer -> viewer.human(1, 40));
    recordNoVnc("novnc-human-2", viewer -> viewer.human(2, 40));
  }

  @Test
  void noVncMouseJiggler() throws Exception {
    recordNoVnc("novnc-jiggle-mouse", viewer -> viewer.jiggle(PERIOD_MS, PERIODS));
  }

  @Test
  void noVncKeyJigglers() throws Exception {
    recordNoVnc("novnc-jiggle-scrolllock", viewer -> viewer.tap("ScrollLock", PERIOD_MS, PERIODS));
    recordNoVnc("novnc-jiggle-f15", viewer -> viewer.tap("F15", PERIOD_MS, PERIODS));
  }

  @Test
  void vernacularPerson() throws Exception {
    Path dir = recordDir();
    try (XvncServer xvnc = XvncServer.startWithoutAuth(WIDTH, HEIGHT, "recording");
        RecordingTap tap = new RecordingTap(new InetSocketAddress("127.0.0.1", xvnc.port()));
        TestProxy proxy = TestProxy.start("--target", tap.address(), "--session-id", "rec");
        VernacularDriver viewer = new VernacularDriver(proxy.tcp(), null)) {
      viewer.connect();
      runTimeline(vernacularPerson(viewer, new Random(3), 60_000));
      viewer.disconnect();
      write(dir, "vernacular-human", tap);
    }
  }

  @Test
  void tigerVncPerson() throws Exception {
    recordTigerVnc("tigervnc-human", xdotoolPerson(new Random(4), 60_000));
  }

  @Test
  void tigerVncJigglers() throws Exception {
    // A person puts the pointer where the jiggler then works.
    // Relative steps, as a mouse makes them: TigerVNC sent none of xdotool's absolute moves right after its focus.
    List<String> setUp = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      setUp.addAll(List.of("mousemove_relative", "--", "-4", "-4", "sleep", "0.03"));
    }
    setUp.addAll(List.of("sleep", seconds(PERIOD_MS)));
    List<String> mouse = new ArrayList<>(setUp);
    List<String> scrollLock = new ArrayList<>(setUp);
    for (int i = 0; i < PERIODS; i++) {
      mouse.addAll(List.of("mousemove_relative", "1", "0", "sleep", "0.05",
          "mousemove_relative", "--", "-1", "0", "sleep", seconds(PERIOD_MS - 50)));
      scrollLock.addAll(List.of("keydown", "Scroll_Lock", "sleep", "0.03", "keyup", "Scroll_Lock",
          "sleep", seconds(PERIOD_MS - 30)));
    }
    recordTigerVnc("tigervnc-jiggle-mouse", mouse);
    recordTigerVnc("tigervnc-jiggle-scrolllock", scrollLock);
  }

  private static String seconds(long millis) {
    return String.format(java.util.Locale.ROOT, "%.3f", millis / 1000.0);
  }

  /** A person as one seeded xdotool command line, the same model as {@link #vernacularPerson}. */
  private static List<String> xdotoolPerson(Random random, long millis) {
    List<String> out = new ArrayList<>(List.of("mousemove", "300", "300"));
    long t = 0;
    int x = 300;
    int y = 300;
    while (t < millis) {
      double what = random.nextDouble();
      if (what < 0.4) {
        int tx = 20 + random.nextInt(WIDTH - 40);
        int ty = 20 + random.nextInt(HEIGHT - 40);
        int n = 15 + random.nextInt(45);
        int fx = x;
        int fy = y;
        int stepMs = 6 + random.nextInt(25);
        for (int i = 1; i <= n; i++) {
          double f = 0.5 - Math.cos(Math.PI * i / n) / 2;
          x = (int) Math.round(fx + (tx - fx) * f) + random.nextInt(3) - 1;
          y = (int) Math.round(fy + (ty - fy) * f) + random.nextInt(3) - 1;
          long wait = (long) (stepMs * (0.5 + random.nextDouble() * 1.3));
          out.addAll(List.of("mousemove", String.valueOf(x), String.valueOf(y), "sleep", seconds(wait)));
          t += wait;
        }
      } else if (what < 0.6) {
        int nudges = random.nextInt(4);
        for (int i = 0; i < nudges; i++) {
          long wait = 700 + random.nextInt(2800);
          int dx = random.nextInt(7) - 3;
          x += dx == 0 ? 1 : dx;
          y += random.nextInt(7) - 3;
          out.addAll(List.of("sleep", seconds(wait), "mousemove", String.valueOf(x), String.valueOf(y)));
          t += wait;
        }
      } else if (what < 0.72) {
        out.addAll(List.of("mousedown", "1", "sleep", seconds(40 + random.nextInt(100)), "mouseup", "1"));
      } else if (what < 0.87) {
        int n = 3 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
          String letter = String.valueOf("asdfjklqwerty".charAt(random.nextInt(13)));
          long wait = 60 + random.nextInt(250);
          out.addAll(List.of("keydown", letter, "sleep", seconds(30 + random.nextInt(80)), "keyup", letter,
              "sleep", seconds(wait)));
          t += wait;
        }
      } else {
        int n = 2 + random.nextInt(6);
        String button = random.nextDouble() < 0.7 ? "5" : "4";
        for (int i = 0; i < n; i++) {
          long wait = 40 + random.nextInt(220);
          out.addAll(List.of("click", button, "sleep", seconds(wait)));
          t += wait;
        }
      }
      long pause = 200 + random.nextInt(1800);
      out.addAll(List.of("sleep", seconds(pause)));
      t += pause;
    }
    return out;
  }

  private static void recordTigerVnc(String name, List<String> xdotool) throws Exception {
    Path dir = recordDir();
    try (XvncServer xvnc = XvncServer.startWithoutAuth(WIDTH, HEIGHT, "recording");
        RecordingTap tap = new RecordingTap(new InetSocketAddress("127.0.0.1", xvnc.port()));
        TestProxy proxy = TestProxy.start("--target", tap.address(), "--session-id", "rec");
        XvfbTigerViewer viewer = XvfbTigerViewer.start(WIDTH + 256, HEIGHT + 256)) {
      viewer.connect(proxy.tcp());
      // The viewer takes input once its first update is drawn, a moment after its window shows.
      List<String> script = new ArrayList<>(List.of("sleep", "1"));
      script.addAll(xdotool);
      viewer.xdotool(script);
      viewer.disconnect();
      write(dir, name, tap);
    }
  }

  /** A person as a seeded timeline of vernacular calls: paths at varied speeds, pauses, nudges, clicks, typing. */
  private static List<Step> vernacularPerson(VernacularDriver viewer, Random random, long millis) {
    List<Step> steps = new ArrayList<>();
    long t = 500;
    int[] at = {300, 300};
    while (t < millis) {
      double what = random.nextDouble();
      if (what < 0.4) {
        int tx = 20 + random.nextInt(WIDTH - 40);
        int ty = 20 + random.nextInt(HEIGHT - 40);
        int n = 15 + random.nextInt(45);
        int fx = at[0];
        int fy = at[1];
        int stepMs = 6 + random.nextInt(25);
        for (int i = 1; i <= n; i++) {
          double f = 0.5 - Math.cos(Math.PI * i / n) / 2;
          int x = (int) Math.round(fx + (tx - fx) * f) + random.nextInt(3) - 1;
          int y = (int) Math.round(fy + (ty - fy) * f) + random.nextInt(3) - 1;
          t += (long) (stepMs * (0.5 + random.nextDouble() * 1.3));
          steps.add(new Step(t, () -> viewer.move(x, y)));
          at[0] = x;
          at[1] = y;
        }
      } else if (what < 0.6) {
        int nudges = random.nextInt(4);
        for (int i = 0; i < nudges; i++) {
          t += 700 + random.nextInt(2800);
          int dx = random.nextInt(7) - 3;
          at[0] += dx == 0 ? 1 : dx;
          at[1] += random.nextInt(7) - 3;
          int x = at[0];
          int y = at[1];
          steps.add(new Step(t, () -> viewer.move(x, y)));
        }
      } else if (what < 0.72) {
        steps.add(new Step(t, viewer::click));
      } else if (what < 0.87) {
        int n = 3 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
          char letter = "asdfjklqwerty".charAt(random.nextInt(13));
          t += 60 + random.nextInt(250);
          steps.add(new Step(t, () -> viewer.type(letter)));
        }
      } else {
        int n = 2 + random.nextInt(6);
        boolean down = random.nextDouble() < 0.7;
        for (int i = 0; i < n; i++) {
          t += 40 + random.nextInt(220);
          steps.add(new Step(t, () -> viewer.scroll(down)));
        }
      }
      t += 200 + random.nextInt(1800);
    }
    return steps;
  }

  /** One action of a timeline, at {@code atMillis} from its start. */
  private record Step(long atMillis, Runnable action) {}

  /** Runs the steps at their times on one scheduler thread, in order; returns when the last one has run. */
  private static void runTimeline(List<Step> steps) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger done = new AtomicInteger();
    try {
      for (Step s : steps) {
        timer.schedule(() -> {
          s.action().run();
          done.incrementAndGet();
        }, s.atMillis(), TimeUnit.MILLISECONDS);
      }
      long last = steps.get(steps.size() - 1).atMillis();
      await().atMost(Duration.ofMillis(last + 30_000)).until(() -> done.get() == steps.size());
    } finally {
      timer.shutdownNow();
    }
  }

  interface NoVncSession {
    void drive(NoVncDriver viewer) throws Exception;
  }

  private static void recordNoVnc(String name, NoVncSession session) throws Exception {
    Path dir = recordDir();
    try (XvncServer xvnc = XvncServer.startWithoutAuth(WIDTH, HEIGHT, "recording");
        RecordingTap tap = new RecordingTap(new InetSocketAddress("127.0.0.1", xvnc.port()));
        NoVncDriver viewer = NoVncDriver.start();
        TestProxy proxy = TestProxy.start("--target", tap.address(), "--session-id", "rec",
            "--allowed-origin", viewer.origin())) {
      viewer.target("ws://127.0.0.1:" + proxy.ws().getPort() + "/vnc/rec", null);
      viewer.connect();
      session.drive(viewer);
      viewer.disconnect();
      write(dir, name, tap);
    }
  }

  private static Path recordDir() {
    String dir = System.getenv(RECORD_DIR_ENV);
    Assumptions.assumeTrue(dir != null && !dir.isEmpty(), RECORD_DIR_ENV + " not set: nothing to record");
    return Paths.get(dir);
  }

  private static void write(Path dir, String name, RecordingTap tap) throws IOException {
    // The viewer's last bytes reach the tap after its disconnect returns; the proxy then closes the backend.
    await().atMost(Duration.ofSeconds(10)).until(tap::clientClosed);
    StreamRecording recording = tap.recording();
    assertThat(recording.clientBytes().length).as(name + ": client bytes").isGreaterThan(100);
    Files.createDirectories(dir);
    try (OutputStream out = Files.newOutputStream(dir.resolve(name + ".rfbrec"))) {
      recording.writeTo(out);
    }
  }
}
