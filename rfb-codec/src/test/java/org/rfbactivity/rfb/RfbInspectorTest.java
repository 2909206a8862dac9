package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rfbactivity.rfb.Wire.ascii;
import static org.rfbactivity.rfb.Wire.bytes;
import static org.rfbactivity.rfb.Wire.u32;
import static org.rfbactivity.rfb.Wire.u8;
import static org.rfbactivity.rfb.Wire.zeros;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The handler's contract beyond parsing: placement, strict mode, odd message objects, listener failures. */
class RfbInspectorTest {

  private static final byte[] KEY_DOWN = bytes(u8(4), u8(1), zeros(2), u32(0x61));

  @Test
  void clientFacingPlacementReadsClientBytes() {
    InspectorHarness h = new InspectorHarness(
        RfbInspectorConfig.builder().placement(RfbInspectorConfig.Placement.CLIENT_FACING).build());
    h.noneHandshake();
    h.client(KEY_DOWN);
    assertThat(h.events()).containsExactly("handshake 3.8 None", "key down -1", "input KEY_PRESS");
    h.finish();
  }

  @Test
  void countersAreReadableFromAnotherThread() throws Exception {
    InspectorHarness h = new InspectorHarness();
    h.noneHandshake();
    h.client(KEY_DOWN);
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      RfbCounters counters = h.inspector.counters();
      assertThat(reader.submit(counters::bytesFromClient).get(10, TimeUnit.SECONDS)).isEqualTo(22);
      assertThat(reader.submit(counters::bytesFromServer).get(10, TimeUnit.SECONDS)).isEqualTo(18);
      assertThat(reader.submit(() -> counters.messages(4)).get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(reader.submit(() -> counters.inputs(InputKind.KEY_PRESS)).get(10, TimeUnit.SECONDS)).isEqualTo(1);
    } finally {
      reader.shutdownNow();
    }
    assertThatThrownBy(() -> h.inspector.counters().messages(256)).isInstanceOf(IllegalArgumentException.class);
    h.finish();
  }

  @Test
  void strictModeThrowsAndReleasesTheBuffer() {
    RecordingListener listener = new RecordingListener();
    EmbeddedChannel channel = new EmbeddedChannel(
        new RfbInspector(RfbInspectorConfig.builder().strict(true).build(), listener));
    channel.writeInbound(Unpooled.copiedBuffer(ascii("RFB 003.008\n")));
    ((ByteBuf) channel.readInbound()).release();
    ByteBuf garbage = Unpooled.copiedBuffer(ascii("HELLO WORLD\n"));
    assertThatThrownBy(() -> channel.writeOutbound(garbage))
        .isInstanceOfSatisfying(RfbProtocolException.class, e -> {
          assertThat(e.direction()).isEqualTo(Direction.CLIENT_TO_SERVER);
          assertThat(e.reason()).isEqualTo(BlindReason.BAD_VERSION);
          assertThat(e.offset()).isZero();
          assertThat(e.getMessage()).isEqualTo("CLIENT_TO_SERVER BAD_VERSION at offset 0 (client ProtocolVersion)");
        });
    assertThat(garbage.refCnt()).as("released, not leaked").isZero();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(listener.events()).containsExactly("lost CLIENT_TO_SERVER BAD_VERSION @0");
    // After the failure the connection is blind: later bytes pass through without another exception.
    ByteBuf later = Unpooled.copiedBuffer(KEY_DOWN);
    channel.writeOutbound(later);
    assertThat((Object) channel.readOutbound()).isSameAs(later);
    later.release();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void strictModeOnTheReadSide() {
    EmbeddedChannel channel = new EmbeddedChannel(
        new RfbInspector(RfbInspectorConfig.builder().strict(true).build(), new RfbListener() { }));
    ByteBuf garbage = Unpooled.copiedBuffer(zeros(12));
    assertThatThrownBy(() -> channel.writeInbound(garbage)).isInstanceOf(RfbProtocolException.class)
        .hasMessage("SERVER_TO_CLIENT BAD_VERSION at offset 0 (server ProtocolVersion)");
    assertThat(garbage.refCnt()).isZero();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void aMessageThatIsNotABufferMakesTheConnectionBlindAndIsForwarded() {
    RecordingListener listener = new RecordingListener();
    EmbeddedChannel channel = new EmbeddedChannel(new RfbInspector(listener));
    Object opaque = new Object();
    channel.writeOutbound(opaque);
    assertThat((Object) channel.readOutbound()).isSameAs(opaque);
    assertThat(listener.events()).containsExactly("lost CLIENT_TO_SERVER UNSUPPORTED_MESSAGE_OBJECT @0");
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void aByteBufHolderIsInspectedThroughItsContent() {
    RecordingListener listener = new RecordingListener();
    RfbInspector inspector = new RfbInspector(listener);
    EmbeddedChannel channel = new EmbeddedChannel(inspector);
    DefaultByteBufHolder holder = new DefaultByteBufHolder(Unpooled.copiedBuffer(ascii("RFB 003.008\n")));
    channel.writeInbound(holder);
    assertThat((Object) channel.readInbound()).isSameAs(holder);
    assertThat(holder.refCnt()).isEqualTo(1);
    holder.release();
    assertThat(inspector.counters().bytesFromServer()).isEqualTo(12);
    assertThat(inspector.isBlind()).isFalse();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void aFailingListenerMakesTheConnectionBlindButNeverBreaksTheRelay() {
    RecordingListener failing = new RecordingListener() {
      @Override
      public void input(InputKind kind) {
        throw new IllegalStateException("listener bug");
      }
    };
    InspectorHarness h = new InspectorHarness(RfbInspectorConfig.defaults(), failing);
    h.noneHandshake();
    h.client(KEY_DOWN);                 // the listener throws inside the parser
    h.client(KEY_DOWN);                 // still forwarded, no longer interpreted
    assertThat(h.events()).containsExactly("handshake 3.8 None", "key down -1",
        "lost CLIENT_TO_SERVER INTERNAL_ERROR @14");
    h.finish();
  }

  /** A checked exception thrown without declaration (Kotlin, Lombok's @SneakyThrows) is still a listener failure. */
  @Test
  void aListenerThrowingACheckedExceptionMakesTheConnectionBlindButNeverBreaksTheRelay() {
    RecordingListener failing = new RecordingListener() {
      @Override
      public void input(InputKind kind) {
        RfbInspectorTest.<RuntimeException>throwUnchecked(new java.io.IOException("listener I/O"));
      }
    };
    InspectorHarness h = new InspectorHarness(RfbInspectorConfig.defaults(), failing);
    h.noneHandshake();
    h.client(KEY_DOWN);                 // the listener throws IOException inside the parser: forwarded all the same
    h.client(KEY_DOWN);                 // still forwarded, no longer interpreted
    assertThat(h.events()).containsExactly("handshake 3.8 None", "key down -1",
        "lost CLIENT_TO_SERVER INTERNAL_ERROR @14");
    h.finish();
  }

  /** An Error is not swallowed, but the buffer it interrupted is released rather than leaked. */
  @Test
  void anErrorFromTheListenerPropagatesWithoutLeakingTheBuffer() {
    RecordingListener failing = new RecordingListener() {
      @Override
      public void input(InputKind kind) {
        throw new AssertionError("listener assertion");
      }
    };
    InspectorHarness h = new InspectorHarness(RfbInspectorConfig.defaults(), failing);
    h.noneHandshake();
    ByteBuf buf = Unpooled.copiedBuffer(KEY_DOWN);
    assertThatThrownBy(() -> h.channel.writeOutbound(buf)).isInstanceOf(AssertionError.class);
    assertThat(buf.refCnt()).as("released, not leaked").isZero();
    h.finish();
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> void throwUnchecked(Throwable failure) throws T {
    throw (T) failure;
  }

  @Test
  void aFailingListenerInStrictModeThrowsTheProtocolException() {
    RecordingListener failing = new RecordingListener() {
      @Override
      public void input(InputKind kind) {
        throw new IllegalStateException("listener bug");
      }
    };
    InspectorHarness h = new InspectorHarness(RfbInspectorConfig.builder().strict(true).build(), failing);
    h.noneHandshake();
    ByteBuf buf = Unpooled.copiedBuffer(KEY_DOWN);
    assertThatThrownBy(() -> h.channel.writeOutbound(buf)).isInstanceOf(RfbProtocolException.class)
        .hasMessage("CLIENT_TO_SERVER INTERNAL_ERROR at offset 14 (java.lang.IllegalStateException)")
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(buf.refCnt()).isZero();
    h.finish();
  }

  /**
   * A listener that writes into the direction being parsed puts its bytes on the wire before the rest of the
   * buffer being parsed (that buffer is forwarded only after its parse): an order the inspector cannot follow,
   * so the connection goes blind, once, and the outer parse stops; every buffer is still forwarded untouched.
   */
  @Test
  void aListenerWritingIntoTheDirectionBeingParsedMakesTheConnectionBlind() {
    EmbeddedChannel[] channel = new EmbeddedChannel[1];
    ByteBuf injected = Unpooled.copiedBuffer(bytes(u8(5), u8(0), Wire.u16(1), Wire.u16(2))); // a PointerEvent
    RecordingListener injecting = new RecordingListener() {
      @Override
      public void input(InputKind kind) {
        super.input(kind);
        if (kind == InputKind.KEY_PRESS && injected.refCnt() == 1) {
          channel[0].write(injected.retain());
        }
      }
    };
    channel[0] = new EmbeddedChannel(new RfbInspector(injecting));
    InspectorHarness.noneHandshake(channel[0]);
    ByteBuf head = Unpooled.copiedBuffer(bytes(u8(4), u8(1), zeros(2)));             // KeyEvent, first half
    ByteBuf tail = Unpooled.copiedBuffer(bytes(u32(0x61), u8(5), u8(1), Wire.u16(9), Wire.u16(9))); // rest + a click
    channel[0].writeOutbound(head);
    channel[0].writeOutbound(tail);
    assertThat(injecting.events()).containsExactly("handshake 3.8 None", "key down -1", "input KEY_PRESS",
        "lost CLIENT_TO_SERVER UNEXPECTED_DATA @28");
    assertThat((Object) channel[0].readOutbound()).isSameAs(head);
    assertThat((Object) channel[0].readOutbound()).as("the listener's bytes go out first").isSameAs(injected);
    assertThat((Object) channel[0].readOutbound()).isSameAs(tail);
    assertThat(injected.refCnt()).isEqualTo(2);
    head.release();
    injected.release(2);
    tail.release();
    assertThat(channel[0].finish()).isFalse();
  }

  /** Writing into the other direction from a callback is fine: each direction is parsed on its own. */
  @Test
  void aListenerMayWriteIntoTheOtherDirection() {
    EmbeddedChannel[] channel = new EmbeddedChannel[1];
    RecordingListener answering = new RecordingListener() {
      @Override
      public void serverInit(ServerInit event) {
        super.serverInit(event);
        channel[0].write(Unpooled.copiedBuffer(bytes(u8(4), u8(1), zeros(2), u32(0x61)))); // a KeyEvent
      }
    };
    channel[0] = new EmbeddedChannel(new RfbInspector(answering));
    InspectorHarness.noneHandshake(channel[0]);
    channel[0].writeInbound(Unpooled.copiedBuffer(Wire.serverInit("x")));
    assertThat(answering.events()).containsExactly("handshake 3.8 None", "serverInit 1024x768 'x'", "key down -1",
        "input KEY_PRESS");
    assertThat(channel[0].finishAndReleaseAll()).isTrue();
  }

  /** Closing the channel from a callback: no exception, the rest of the buffer is still read, nothing leaks. */
  @Test
  void aListenerMayCloseTheChannel() {
    EmbeddedChannel[] channel = new EmbeddedChannel[1];
    RecordingListener closing = new RecordingListener() {
      @Override
      public void input(InputKind kind) {
        super.input(kind);
        channel[0].close();
      }
    };
    channel[0] = new EmbeddedChannel(new RfbInspector(
        RfbInspectorConfig.builder().placement(RfbInspectorConfig.Placement.CLIENT_FACING).build(), closing));
    channel[0].writeOutbound(Unpooled.copiedBuffer(ascii("RFB 003.008\n")));
    channel[0].writeInbound(Unpooled.copiedBuffer(ascii("RFB 003.008\n")));
    channel[0].writeOutbound(Unpooled.copiedBuffer(u8(1, 1)));
    channel[0].writeInbound(Unpooled.copiedBuffer(u8(1)));
    channel[0].writeOutbound(Unpooled.copiedBuffer(u32(0)));
    ByteBuf lastRead = Unpooled.copiedBuffer(bytes(u8(1), KEY_DOWN, KEY_DOWN));
    channel[0].writeInbound(lastRead);
    assertThat(closing.events()).containsExactly("handshake 3.8 None", "key down -1", "input KEY_PRESS",
        "key down -1", "input KEY_PRESS");
    assertThat(channel[0].isOpen()).isFalse();
    channel[0].finishAndReleaseAll();
    assertThat(lastRead.refCnt()).isZero();
  }

  /** The wire is big-endian whatever order a buffer view claims; every buffer kind is read alike. */
  @Test
  void everyBufferKindIsReadAsTheWireBytes() {
    for (InspectorHarness.BufferKind kind : InspectorHarness.BufferKind.values()) {
      InspectorHarness h = new InspectorHarness().bufferKind(kind);
      h.noneHandshake();
      h.client(u8(5), u8(1), Wire.u16(300), Wire.u16(200),  // PointerEvent: left button at 300,200
          u8(6), zeros(3), u32(3), ascii("abc"),            // ClientCutText of 3 bytes
          KEY_DOWN);
      assertThat(h.events()).as("%s", kind).containsExactly("handshake 3.8 None", "pointer 1 300,200",
          "input POINTER_BUTTON", "clipboard 3", "input CLIPBOARD", "key down -1", "input KEY_PRESS");
      h.finish();
    }
  }

  @Test
  void blindnessIsReportedOnceAndBytesAreStillCounted() {
    InspectorHarness h = new InspectorHarness();
    h.noneHandshake();
    h.client(u8(200), zeros(10));       // unknown type 200 at offset 14
    h.client(u8(201), zeros(10));       // more garbage: no second event
    h.server(zeros(30));                // server garbage: no event either
    assertThat(h.events()).containsExactly("handshake 3.8 None", "lost CLIENT_TO_SERVER UNKNOWN_MESSAGE_TYPE @14");
    assertThat(h.inspector.counters().bytesFromClient()).isEqualTo(14 + 22);
    assertThat(h.inspector.counters().bytesFromServer()).isEqualTo(18 + 30);
    h.finish();
  }

  @Test
  void emptyBuffersChangeNothing() {
    InspectorHarness h = new InspectorHarness();
    h.server(new byte[0]);
    h.client(new byte[0]);
    h.noneHandshake();
    assertThat(h.events()).containsExactly("handshake 3.8 None");
    h.finish();
  }

  @Test
  void configDefaultsAndValidation() {
    RfbInspectorConfig defaults = RfbInspectorConfig.defaults();
    assertThat(defaults.placement()).isEqualTo(RfbInspectorConfig.Placement.BACKEND);
    assertThat(defaults.strict()).isFalse();
    assertThat(defaults.revealKeysyms()).isFalse();
    assertThat(defaults).hasToString("RfbInspectorConfig{placement=BACKEND, strict=false, revealKeysyms=false}");
    assertThatThrownBy(() -> RfbInspectorConfig.builder().placement(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("placement");
    assertThatThrownBy(() -> new RfbInspector(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void versionAndSecurityTypeNamesAreReadable() {
    assertThat(new RfbVersion(3, 8)).hasToString("3.8");
    assertThat(new RfbVersion(3, 889)).hasToString("3.889");
    assertThat(new RfbVersion(3, 5).effectiveMinor()).isEqualTo(3);
    assertThat(new RfbVersion(3, 7).effectiveMinor()).isEqualTo(7);
    assertThat(new RfbVersion(3, 889).effectiveMinor()).isEqualTo(8);
    assertThat(new RfbVersion(5, 0).effectiveMinor()).isEqualTo(8);
    assertThatThrownBy(() -> new RfbVersion(1000, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(SecurityType.of(1)).hasToString("None");
    assertThat(SecurityType.of(2)).hasToString("VncAuth");
    assertThat(SecurityType.of(19, 256)).hasToString("VeNCrypt/Plain");
    assertThat(SecurityType.of(19, 2)).hasToString("VeNCrypt/VncAuth");
    assertThat(SecurityType.of(19, 999)).hasToString("VeNCrypt/Subtype999");
    assertThat(SecurityType.of(16, 129)).hasToString("Tight/UnixLogin");
    assertThat(SecurityType.of(0xFFFFFFFAL)).hasToString("MSLogon");
    assertThat(SecurityType.of(200)).hasToString("Type200");
  }
}
