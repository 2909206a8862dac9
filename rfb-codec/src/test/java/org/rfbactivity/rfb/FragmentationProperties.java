package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.rfbactivity.rfb.InspectorHarness.BufferKind;

/**
 * Fragmentation invariance and pass-through: for generated valid connections (any version, security type and message
 * mix), every fragmentation into chunks of 1..N bytes — all-1-byte included — yields the same events as the unsplit
 * stream; and every forwarded buffer is the very object delivered, with unchanged indices and reference count, the
 * forwarded bytes concatenating to the input (checked by {@link InspectorHarness} on every buffer).
 */
class FragmentationProperties {

  private static final List<Integer> ONE_BYTE = List.of(1);

  @Provide
  Arbitrary<Transcript> connections() {
    return Connections.valid();
  }

  @Provide
  Arbitrary<Transcript> kasmConnections() {
    return Connections.kasmValid();
  }

  @Provide
  Arbitrary<List<Integer>> chunkSizes() {
    return Arbitraries.integers().between(1, 300).list().ofMinSize(1).ofMaxSize(16);
  }

  @Property(tries = 300)
  void everyFragmentationYieldsTheSameEventsAsTheWholeStream(@ForAll("connections") Transcript connection,
      @ForAll("chunkSizes") List<Integer> chunkSizes) {
    List<String> whole = play(connection, null, BufferKind.HEAP);

    assertThat(whole).as("valid connection: handshake first").first().isEqualTo(connection.expectedHandshake);
    assertThat(whole).as("server init once").containsOnlyOnce(connection.expectedServerInit);
    assertThat(whole).as("never blind").noneMatch(event -> event.startsWith("lost "));
    assertThat(whole.stream().filter(event -> event.startsWith("input ")))
        .as("one classification per input message").hasSize(connection.expectedInputs);

    assertThat(play(connection, chunkSizes, BufferKind.HEAP)).isEqualTo(whole);
    assertThat(play(connection, ONE_BYTE, BufferKind.HEAP)).as("all 1-byte chunks").isEqualTo(whole);
  }

  @Property(tries = 150)
  void forwardedBuffersAreTheDeliveredObjectsUnchanged(@ForAll("connections") Transcript connection,
      @ForAll("chunkSizes") List<Integer> chunkSizes, @ForAll BufferKind kind) {
    List<String> whole = play(connection, null, kind);
    assertThat(play(connection, chunkSizes, kind)).isEqualTo(whole);
  }

  /** The same for KasmVNC's dialect (docs/protocol.md#kasmvnc-client-messages). */
  @Property(tries = 300)
  void kasmConnectionsYieldTheSameEventsInEveryFragmentation(@ForAll("kasmConnections") Transcript connection,
      @ForAll("chunkSizes") List<Integer> chunkSizes) {
    List<String> whole = play(connection, null, BufferKind.HEAP);

    assertThat(whole).as("valid connection: handshake first").first().isEqualTo(connection.expectedHandshake);
    assertThat(whole).as("never blind").noneMatch(event -> event.startsWith("lost "));
    assertThat(whole.stream().filter(event -> event.startsWith("input ")))
        .as("one classification per input message").hasSize(connection.expectedInputs);

    assertThat(play(connection, chunkSizes, BufferKind.HEAP)).isEqualTo(whole);
    assertThat(play(connection, ONE_BYTE, BufferKind.HEAP)).as("all 1-byte chunks").isEqualTo(whole);
  }

  @Property(tries = 150)
  void kasmForwardedBuffersAreTheDeliveredObjectsUnchanged(@ForAll("kasmConnections") Transcript connection,
      @ForAll("chunkSizes") List<Integer> chunkSizes, @ForAll BufferKind kind) {
    List<String> whole = play(connection, null, kind);
    assertThat(play(connection, chunkSizes, kind)).isEqualTo(whole);
  }

  /**
   * With QEMU Pointer Motion Change (−257) listed, every one of a run of identical PointerEvents that carry motion
   * is a move; without it, only the first is (docs/protocol.md#relative-pointer-motion). Any fragmentation.
   */
  @Property(tries = 200)
  void identicalPointerEventsAreMovesOnlyInRelativeMode(@ForAll boolean relative,
      @ForAll @IntRange(min = -40, max = 40) int dx, @ForAll @IntRange(min = -40, max = 40) int dy,
      @ForAll @IntRange(min = 1, max = 20) int repeats, @ForAll("chunkSizes") List<Integer> chunkSizes) {
    int x = ClientMessageParser.RELATIVE_ORIGIN + dx;
    int y = ClientMessageParser.RELATIVE_ORIGIN + dy;
    Transcript connection = new Transcript()
        .server(Wire.ascii("RFB 003.008\n"))
        .client(Wire.ascii("RFB 003.008\n"))
        .server(Wire.u8(1, 1))            // one security type: None
        .client(Wire.u8(1))               // None
        .server(Wire.u32(0))              // SecurityResult OK
        .client(Wire.u8(1))               // ClientInit, shared
        .server(Wire.serverInit(""))
        .client(Wire.u8(2), Wire.u8(0), Wire.u16(1), Wire.u32(relative ? -257 : 0)); // SetEncodings
    List<String> expected = new ArrayList<>(List.of("handshake 3.8 None", "serverInit 1024x768 ''"));
    for (int i = 0; i < repeats; i++) {
      connection.client(Wire.u8(5), Wire.u8(0), Wire.u16(x), Wire.u16(y)); // the same PointerEvent each time
      expected.add("pointer 0 " + x + "," + y);
      boolean move = relative ? dx != 0 || dy != 0 : i == 0;
      expected.add(move ? "input POINTER_MOVE" : "input NOISE");
    }
    assertThat(play(connection, null, BufferKind.HEAP)).containsExactlyElementsOf(expected);
    assertThat(play(connection, chunkSizes, BufferKind.HEAP)).containsExactlyElementsOf(expected);
    assertThat(play(connection, ONE_BYTE, BufferKind.DIRECT)).containsExactlyElementsOf(expected);
  }

  /**
   * Every security exchange the generator knows (its values enumerated exhaustively, not sampled) in every
   * list-form version and with every ending, each followed by a KeyEvent that must be found at the right byte: the
   * sampled property above cannot promise to reach each of them. Every combination is played whole and in chunks
   * of 7 bytes; each security type also once in 1-byte chunks, the combinations taking turns (1-byte chunks of
   * every combination would cost seconds under paranoid leak detection).
   */
  @Example
  void everySecurityTypeInEveryListFormVersionAndEnding() {
    List<Connections.Security> securities = Connections.securities().allValues().orElseThrow().toList();
    assertThat(securities).extracting(Connections.Security::name).contains("None", "VncAuth", "RA2ne",
        "RA2ne_256", "xvp", "AppleDH", "MSLogonII", "MSLogonIII", "Tight/None", "Tight/VncAuth",
        "Tight/UnixLogin", "VeNCrypt/Plain", "VeNCrypt/Ident", "VeNCrypt/None", "VeNCrypt/VncAuth",
        "VeNCrypt/RA2ne", "VeNCrypt/RA2ne_256", "VeNCrypt/xvp", "VeNCrypt/AppleDH", "VeNCrypt/MSLogonII",
        "VeNCrypt/MSLogonIII");
    int played = 0;
    for (Connections.Security security : securities) {
      for (String version : Connections.LIST_FORM_VERSIONS) {
        for (String ending : Connections.ENDINGS) {
          Transcript connection = new Transcript();
          Connections.listForm(connection, version, security, List.of(), false, "d", ending);
          connection.client(Wire.u8(4), Wire.u8(1), Wire.zeros(2), Wire.u32(0x61));
          List<String> whole = play(connection, null, BufferKind.HEAP);
          assertThat(whole).as("%s %s %s", security, version, ending).containsExactly(
              connection.expectedHandshake, connection.expectedServerInit, "key down -1", "input KEY_PRESS");
          assertThat(play(connection, List.of(7), BufferKind.HEAP)).as("%s %s %s, 7-byte chunks", security,
              version, ending).isEqualTo(whole);
          if (played % 21 == securities.indexOf(security) % 21) {
            assertThat(play(connection, ONE_BYTE, BufferKind.HEAP)).as("%s %s %s, 1-byte chunks", security,
                version, ending).isEqualTo(whole);
          }
          played++;
        }
      }
    }
    assertThat(played).isEqualTo(securities.size() * 21);
  }

  /** Shrunk from a failure of the first property: a header completed by the last byte of a buffer. */
  @Example
  void aHeaderCompletedByTheLastByteOfABufferIsReportedAtOnce() {
    Transcript connection = new Transcript()
        .server(Wire.ascii("RFB 003.003\n"))
        .client(Wire.ascii("RFB 003.003\n"))
        .server(Wire.u32(1))
        .client(Wire.u8(1))
        .server(Wire.serverInit(""))
        .client(Wire.u8(4), Wire.u8(1), Wire.zeros(2), Wire.u32(0));
    assertThat(play(connection, ONE_BYTE, BufferKind.HEAP)).containsExactly("handshake 3.3 None",
        "serverInit 1024x768 ''", "key down -1", "input KEY_PRESS");
  }

  /** Plays the connection; the harness asserts pass-through per buffer and byte identity at the end. */
  private static List<String> play(Transcript connection, List<Integer> chunkSizes, BufferKind kind) {
    InspectorHarness h = new InspectorHarness(RfbInspectorConfig.builder().strict(true).build()).bufferKind(kind);
    if (chunkSizes == null) {
      connection.playWhole(h);
    } else {
      connection.playChunked(h, chunkSizes);
    }
    h.finish();
    return h.events();
  }
}
