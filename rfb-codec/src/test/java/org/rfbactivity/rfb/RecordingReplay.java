package org.rfbactivity.rfb;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.rfbactivity.rfb.testing.StreamRecording;

/**
 * Replays a recorded viewer stream ({@link StreamRecording}, src/test/resources/recordings) through an
 * {@link RfbStreamInspector} and a {@link SyntheticInputDetector}, as the proxy's listener path runs them
 * (docs/protocol.md#synthetic-input), with the recording's clock injected into the detector.
 */
final class RecordingReplay {

  /** One classified input: the inspector's kind, the detector's, and the recorded time in microseconds. */
  record Classified(InputKind inspected, InputKind reported, long micros) {}

  private RecordingReplay() {}

  static StreamRecording load(String name) {
    try (InputStream in = RecordingReplay.class.getResourceAsStream("/recordings/" + name + ".rfbrec")) {
      if (in == null) {
        throw new IllegalArgumentException("no recording " + name);
      }
      return StreamRecording.readFrom(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The recorded chunks as they came, the detector's clock at the time of the chunk being inspected: what a relay
   * with {@code System::nanoTime} saw.
   */
  static List<Classified> asRecorded(StreamRecording recording) {
    long[] now = {0};
    Collector collector = new Collector(() -> now[0]);
    RfbStreamInspector inspector = collector.inspector();
    for (StreamRecording.Chunk c : recording.chunks()) {
      now[0] = c.micros();
      if (c.fromClient()) {
        inspector.clientBytes(c.bytes(), 0, c.bytes().length);
      } else {
        inspector.serverBytes(c.bytes(), 0, c.bytes().length);
      }
    }
    return collector.finish(inspector);
  }

  /**
   * The client's bytes cut at {@code cuts} (offsets, in any order, out of range ignored) instead of as recorded; the
   * server's chunks are shown at the client offsets they came at. The detector's clock is each input message's
   * recorded time, the time of the chunk that carried its last byte, whatever chunk it now ends in.
   */
  static List<Classified> rechunked(StreamRecording recording, List<Integer> cuts) {
    byte[] client = recording.clientBytes();
    long[] byteMicros = recording.clientByteMicros();
    long[] inputMicros = inputMessageEnds(recording).stream().mapToLong(end -> byteMicros[(int) (end - 1)]).toArray();
    int[] next = {0};
    // input() is called once per input message, in order: the n-th call is the n-th input message.
    Collector collector = new Collector(() -> inputMicros[next[0] - 1]);
    collector.beforeInput = () -> {
      if (++next[0] > inputMicros.length) {
        throw new AssertionError("more inputs than input messages (" + inputMicros.length + ")");
      }
    };
    RfbStreamInspector inspector = collector.inspector();

    boolean[] cut = new boolean[client.length + 1];
    for (int c : cuts) {
      if (c > 0 && c < client.length) {
        cut[c] = true;
      }
    }
    int offset = 0;
    List<StreamRecording.Chunk> serverAt = new ArrayList<>();
    List<Integer> serverOffsets = new ArrayList<>();
    int clientSoFar = 0;
    for (StreamRecording.Chunk c : recording.chunks()) {
      if (c.fromClient()) {
        clientSoFar += c.bytes().length;
      } else {
        serverAt.add(c);
        serverOffsets.add(clientSoFar);
        cut[clientSoFar] = true;
      }
    }
    int server = 0;
    while (offset <= client.length) {
      while (server < serverAt.size() && serverOffsets.get(server) == offset) {
        byte[] b = serverAt.get(server++).bytes();
        inspector.serverBytes(b, 0, b.length);
      }
      if (offset == client.length) {
        break;
      }
      int end = offset + 1;
      while (end < client.length && !cut[end]) {
        end++;
      }
      inspector.clientBytes(client, offset, end - offset);
      offset = end;
    }
    List<Classified> out = collector.finish(inspector);
    if (next[0] != inputMicros.length) {
      throw new AssertionError("inputs " + next[0] + " but input messages " + inputMicros.length);
    }
    return out;
  }

  /** The end offset of every client input message, from the framer over the recorded chunks. */
  private static List<Long> inputMessageEnds(StreamRecording recording) {
    List<Long> ends = new ArrayList<>();
    ClientMessageFramer framer = new ClientMessageFramer(new ClientMessageBoundaries() {
      @Override
      public void messagesBegin(long offset) {}

      @Override
      public void message(int type, int inputClasses, long start, long end) {
        if (inputClasses != 0) {
          ends.add(end);
        }
      }

      @Override
      public void lost(Direction direction, BlindReason reason, long offset) {
        throw new AssertionError("framing lost: " + direction + " " + reason + " at " + offset);
      }
    });
    for (StreamRecording.Chunk c : recording.chunks()) {
      if (c.fromClient()) {
        framer.clientBytes(Unpooled.wrappedBuffer(c.bytes()));
      } else {
        framer.serverBytes(Unpooled.wrappedBuffer(c.bytes()));
      }
    }
    return ends;
  }

  /** The listener path: detail to the detector, then its classification, collected with the clock's time. */
  private static final class Collector implements RfbListener {
    private final java.util.function.LongSupplier micros;
    private final SyntheticInputDetector detector;
    private final List<Classified> out = new ArrayList<>();
    private BlindReason lost;
    /** Runs before each input is classified: the re-chunked replay advances its message clock here. */
    Runnable beforeInput = () -> { };

    Collector(java.util.function.LongSupplier micros) {
      this.micros = micros;
      this.detector = new SyntheticInputDetector(() -> micros.getAsLong() * 1000);
    }

    RfbStreamInspector inspector() {
      return new RfbStreamInspector(RfbInspectorConfig.builder().revealKeysyms(true).build(), this);
    }

    @Override
    public void key(boolean down, int keysym) {
      detector.key(down, keysym);
    }

    @Override
    public void pointer(InputKind kind, int buttonMask, int x, int y) {
      detector.pointer(kind, buttonMask, x, y);
    }

    @Override
    public void input(InputKind kind) {
      beforeInput.run();
      out.add(new Classified(kind, detector.classify(kind), micros.getAsLong()));
    }

    @Override
    public void inspectionLost(Direction direction, BlindReason reason, long offset) {
      lost = reason;
    }

    List<Classified> finish(RfbStreamInspector inspector) {
      if (lost != null || inspector.isBlind()) {
        throw new AssertionError("the inspector went blind: " + lost);
      }
      return out;
    }
  }
}
