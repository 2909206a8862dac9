package org.rfbactivity.rfb;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole connection as the proxy would see it: segments in causal order, each from one side. A generator
 * ({@link Connections}) writes it and states what the inspector must report: the handshake line, the number of
 * classified inputs, and whether −316 (ExtendedMouseButtons) is active while it writes PointerEvents.
 */
final class Transcript {

  record Segment(Direction direction, byte[] bytes) {
  }

  private final List<Segment> segments = new ArrayList<>();
  private final List<String> steps = new ArrayList<>();
  String expectedHandshake;
  String expectedServerInit;
  int expectedInputs;
  boolean extendedMouse;
  /** Index of the first segment after the handshake: from it on, each client segment is one whole message. */
  int firstMessageSegment;

  Transcript server(byte[]... fields) {
    segments.add(new Segment(Direction.SERVER_TO_CLIENT, Wire.bytes(fields)));
    return this;
  }

  Transcript client(byte[]... fields) {
    segments.add(new Segment(Direction.CLIENT_TO_SERVER, Wire.bytes(fields)));
    return this;
  }

  void step(String name) {
    steps.add(name);
  }

  List<Segment> segments() {
    return segments;
  }

  /** Consecutive segments of one side joined: what one TCP read may deliver. Causal order is kept. */
  List<Segment> merged() {
    List<Segment> out = new ArrayList<>();
    ByteArrayOutputStream run = new ByteArrayOutputStream();
    Direction current = null;
    for (Segment segment : segments) {
      if (segment.direction() != current && current != null) {
        out.add(new Segment(current, run.toByteArray()));
        run.reset();
      }
      current = segment.direction();
      run.writeBytes(segment.bytes());
    }
    if (current != null) {
      out.add(new Segment(current, run.toByteArray()));
    }
    return out;
  }

  /** Delivers every merged segment as one buffer. */
  void playWhole(InspectorHarness h) {
    for (Segment segment : merged()) {
      h.deliver(segment.direction(), segment.bytes(), Integer.MAX_VALUE);
    }
  }

  /** Delivers the merged segments cut into chunks whose sizes cycle through {@code sizes}. */
  void playChunked(InspectorHarness h, List<Integer> sizes) {
    int next = 0;
    for (Segment segment : merged()) {
      byte[] bytes = segment.bytes();
      for (int at = 0; at < bytes.length; ) {
        int size = Math.min(sizes.get(next++ % sizes.size()), bytes.length - at);
        h.send(segment.direction(), bytes, at, size);
        at += size;
      }
    }
  }

  @Override
  public String toString() {
    return String.join(" | ", steps);
  }
}
