package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * No person is a jiggler (docs/protocol.md#synthetic-input): half an hour of a seeded model of a person at a desktop
 * (moves at varied speeds ending in clicks, pauses, reading with small nudges at random intervals, some of which come
 * back to where they started, typing bursts, scrolling, a Scroll Lock tapped once) is never classified SYNTHETIC.
 */
class SyntheticInputProperties {

  private static final long MS = 1_000_000L;
  private static final long S = 1_000 * MS;
  private static final long SESSION = 30 * 60 * S;

  @Property(tries = 1000)
  void aPersonIsNeverSynthetic(@ForAll long seed) {
    Person person = new Person(new Random(seed));
    person.live();
    assertThat(person.synthetic).as("synthetic inputs of seed %d", seed).isZero();
    assertThat(person.inputs).isPositive();
  }

  /**
   * Seed 2 found that nudges at random intervals can come back to the same pixel three times at a matching period;
   * a jiggler also repeats the same first step and number of moves, which is why the rhythm asks for both.
   */
  @Example
  void aPersonWhoseNudgesCameBackThreeTimes() {
    aPersonIsNeverSynthetic(2L);
  }

  /** The model; times are nanoseconds from 0, positions pixels on a 1920×1080 desktop. */
  private static final class Person {

    private final Random random;
    private final SyntheticInputDetector detector;
    private long now;
    private int x = 960;
    private int y = 540;
    private int buttons;
    /** The position of the previous PointerEvent: the codec classifies an unchanged one as NOISE. */
    private int sentX = -1;
    private int sentY = -1;
    private int inputs;
    private int synthetic;
    private boolean tappedScrollLock;

    Person(Random random) {
      this.random = random;
      this.detector = new SyntheticInputDetector(() -> now);
    }

    void live() {
      while (now < SESSION) {
        int what = random.nextInt(100);
        if (what < 35) {
          moveTo(random.nextInt(1920), random.nextInt(1080));
          if (random.nextInt(2) == 0) {
            click();
          }
        } else if (what < 55) {
          read();
        } else if (what < 75) {
          type();
        } else if (what < 85) {
          scroll();
        } else if (what < 88 && !tappedScrollLock) {
          tappedScrollLock = true;
          key(0xFF14);
        } else {
          now += between(500 * MS, 20 * S); // a pause
        }
      }
    }

    /** A movement at a speed of 0.2 to 3 px/ms, one event every 8 to 30 ms. */
    private void moveTo(int tx, int ty) {
      double speed = 0.2 + random.nextDouble() * 2.8;
      while (x != tx || y != ty) {
        long step = between(8 * MS, 30 * MS);
        int reach = Math.max(1, (int) (speed * step / MS));
        x += clamp(tx - x, reach);
        y += clamp(ty - y, reach);
        now += step;
        pointer(InputKind.POINTER_MOVE);
      }
      now += between(50 * MS, 1500 * MS);
    }

    /** Reading: 30 s to 5 min with nudges of 1 to 3 events of 1 or 2 px at random intervals. */
    private void read() {
      long end = now + between(30 * S, 300 * S);
      while (true) {
        now += between(300 * MS, 40 * S);
        if (now >= end) {
          return;
        }
        int startX = x;
        int startY = y;
        int events = 1 + random.nextInt(3);
        for (int i = 0; i < events; i++) {
          x += random.nextInt(5) - 2;
          y += random.nextInt(5) - 2;
          now += between(8 * MS, 30 * MS);
          pointer(InputKind.POINTER_MOVE);
        }
        if (random.nextInt(10) == 0) {
          // A tremor: the hand puts the mouse back where it was.
          x = startX;
          y = startY;
          now += between(8 * MS, 30 * MS);
          pointer(InputKind.POINTER_MOVE);
        }
      }
    }

    /** A burst of 3 to 40 keys: letters and spaces. */
    private void type() {
      int keys = 3 + random.nextInt(38);
      for (int i = 0; i < keys; i++) {
        key(random.nextInt(6) == 0 ? 0x20 : 0x61 + random.nextInt(26));
        now += between(60 * MS, 400 * MS);
      }
      now += between(200 * MS, 3 * S);
    }

    private void scroll() {
      int notches = 1 + random.nextInt(8);
      for (int i = 0; i < notches; i++) {
        int wheel = random.nextInt(4) == 0 ? 8 : 16;
        buttons = wheel;
        pointer(InputKind.POINTER_WHEEL);
        buttons = 0;
        pointer(InputKind.NOISE);
        now += between(30 * MS, 200 * MS);
      }
    }

    private void click() {
      buttons = 1;
      pointer(InputKind.POINTER_BUTTON);
      now += between(60 * MS, 150 * MS);
      buttons = 0;
      pointer(InputKind.POINTER_BUTTON);
      now += between(100 * MS, 2 * S);
    }

    private void key(int keysym) {
      detector.key(true, keysym);
      count(detector.classify(InputKind.KEY_PRESS));
      now += between(40 * MS, 120 * MS);
      detector.key(false, keysym);
      count(detector.classify(InputKind.KEY_RELEASE));
    }

    private void pointer(InputKind kind) {
      if (kind == InputKind.POINTER_MOVE && x == sentX && y == sentY) {
        kind = InputKind.NOISE;
      }
      sentX = x;
      sentY = y;
      detector.pointer(kind, buttons, x, y);
      count(detector.classify(kind));
    }

    private void count(InputKind kind) {
      inputs++;
      if (kind == InputKind.SYNTHETIC) {
        synthetic++;
      }
    }

    private long between(long min, long max) {
      return min + (long) (random.nextDouble() * (max - min));
    }

    private static int clamp(int delta, int reach) {
      return Math.max(-reach, Math.min(reach, delta));
    }
  }
}
