package org.rfbactivity.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a {@link ServerFramer} wrote into an {@link EmbeddedChannel}, buffer by buffer: each frame must be a
 * header buffer of its own (FIN, binary, unmasked, the shortest length form of RFC 6455 §5.2) followed by payload
 * buffers that are the written buffers themselves or slices of them, never copies. Releases what it reads. The written
 * buffers must be unpooled (a pooled buffer object is recycled after its release, and a later header could be it).
 */
final class ServerFrameReader {

  /** The payload lengths of the frames, in order. */
  final List<Integer> frameLengths = new ArrayList<>();
  /** Every payload byte, in order. */
  final ByteArrayOutputStream payload = new ByteArrayOutputStream();
  /** Other messages (control frames, encoded by Netty), by their position among the frames. */
  final List<String> others = new ArrayList<>();

  private final Map<ByteBuf, Boolean> written = new IdentityHashMap<>();
  /** Payload bytes still expected for the frame being read. */
  private int remaining;

  /** A buffer the test wrote: payload buffers must be it or a slice of it. */
  void written(ByteBuf buf) {
    written.put(buf, true);
  }

  /** Reads every outbound buffer queued so far. */
  void readAll(EmbeddedChannel ch) {
    for (Object out = ch.readOutbound(); out != null; out = ch.readOutbound()) {
      ByteBuf buf = (ByteBuf) out;
      try {
        if (remaining > 0) {
          assertOriginal(buf);
          assertThat(buf.readableBytes()).as("a payload buffer stays inside its frame").isLessThanOrEqualTo(remaining);
          remaining -= buf.readableBytes();
          buf.readBytes(payload, buf.readableBytes());
        } else if (isWritten(buf)) {
          throw new AssertionError("a payload buffer without a header before it");
        } else if ((buf.getUnsignedByte(0) & 0x0F) != 0x2) {
          others.add(frameLengths.size() + ":" + ByteBufUtil.hexDump(buf));
        } else {
          readHeader(buf);
        }
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      } finally {
        buf.release();
      }
    }
  }

  private void readHeader(ByteBuf buf) {
    assertThat(buf.readUnsignedByte()).as("FIN and binary").isEqualTo((short) 0x82);
    int b1 = buf.readUnsignedByte();
    assertThat(b1 & 0x80).as("a server's frame is not masked").isZero();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = buf.readUnsignedShort();
      assertThat(length).as("the 16-bit form only above 125").isGreaterThan(125);
    } else if (length == 127) {
      length = buf.readLong();
      assertThat(length).as("the 64-bit form only above 65535").isGreaterThan(0xFFFF);
    }
    assertThat(buf.isReadable()).as("the header is a buffer of its own").isFalse();
    assertThat(length).as("a frame carries bytes, at most the limit").isBetween(1L, (long) ServerFramer.MAX_PAYLOAD);
    frameLengths.add((int) length);
    remaining = (int) length;
  }

  /** Whether the last frame's payload has arrived whole. */
  boolean complete() {
    return remaining == 0;
  }

  private boolean isWritten(ByteBuf out) {
    ByteBuf b = out;
    while (!written.containsKey(b) && b.unwrap() != null) {
      b = b.unwrap();
    }
    return written.containsKey(b);
  }

  private void assertOriginal(ByteBuf out) {
    assertThat(isWritten(out)).as("payload bytes are a written buffer or a slice of one: %s", out).isTrue();
  }
}
