package org.rfbactivity.rfb;

import java.util.List;
import net.jqwik.api.Arbitrary;

/**
 * {@link Connections}' generated connections for tests outside this package (proxy-app's input filter): each as
 * its parts in causal order, every client part after the handshake one whole client message.
 */
public final class GeneratedConnections {

  private GeneratedConnections() {
  }

  /** One side's bytes; {@code message} marks a whole client message (after the handshake). */
  public record Part(boolean fromClient, boolean message, byte[] bytes) {
  }

  /** A generated connection: its parts, and its steps for a readable counterexample. */
  public record Connection(List<Part> parts, String steps) {
    @Override
    public String toString() {
      return steps;
    }
  }

  /** Any version, inspectable security type and standard message mix. */
  public static Arbitrary<Connection> valid() {
    return Connections.valid().map(GeneratedConnections::of);
  }

  /** KasmVNC's dialect. */
  public static Arbitrary<Connection> kasmValid() {
    return Connections.kasmValid().map(GeneratedConnections::of);
  }

  private static Connection of(Transcript t) {
    List<Transcript.Segment> segments = t.segments();
    Part[] parts = new Part[segments.size()];
    for (int i = 0; i < parts.length; i++) {
      Transcript.Segment s = segments.get(i);
      boolean client = s.direction() == Direction.CLIENT_TO_SERVER;
      parts[i] = new Part(client, client && i >= t.firstMessageSegment, s.bytes());
    }
    return new Connection(List.of(parts), t.toString());
  }
}
