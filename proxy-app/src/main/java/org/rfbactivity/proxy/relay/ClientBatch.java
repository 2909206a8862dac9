package org.rfbactivity.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;

/**
 * The viewer's bytes on their way to the server. Before the relay starts they are parked (only possible behind TLS,
 * where the channel must read to finish the TLS handshake); once it relays, the payloads of one read burst (one TCP
 * read, or every WebSocket frame decoded from it) are gathered into one write. Nothing is copied: several buffers
 * become components of one composite buffer. One per viewer, used on its event loop only.
 */
final class ClientBatch {

  /**
   * Buffers gathered into one write to the server before it is written anyway (mid-burst). Bounds the composite
   * buffer a burst of many tiny frames builds, without ever copying (a composite consolidates, that is copies, when it
   * outgrows its component limit).
   */
  static final int MAX_BATCH_COMPONENTS = 64;
  /**
   * Client bytes accepted before the relay starts (only possible behind TLS, where the channel must read to
   * finish the TLS handshake). RFB clients wait for the server's ProtocolVersion first (docs/protocol.md#protocolversion), so real
   * viewers send nothing early; the cap bounds what a misbehaving one can park here.
   */
  static final int MAX_EARLY_CLIENT_BYTES = 64 * 1024;

  private final ByteBufAllocator alloc;
  private final ArrayDeque<ByteBuf> parked = new ArrayDeque<>(2);
  private int parkedBytes;
  /** The read burst's payload so far: one buffer, or a composite of several; null when none. */
  private ByteBuf batch;
  /** {@link #batch} when it is a composite made here; null otherwise. */
  private CompositeByteBuf composite;

  ClientBatch(ByteBufAllocator alloc) {
    this.alloc = alloc;
  }

  /**
   * Parks {@code buf} (ownership moves here) until the relay starts; false when more than
   * {@link #MAX_EARLY_CLIENT_BYTES} are parked now (the viewer is to be closed).
   */
  boolean park(ByteBuf buf) {
    parkedBytes += buf.readableBytes();
    parked.add(buf);
    return parkedBytes <= MAX_EARLY_CLIENT_BYTES;
  }

  boolean hasParked() {
    return !parked.isEmpty();
  }

  /** The oldest parked buffer (ownership moves to the caller), or null when none is left. */
  ByteBuf unpark() {
    ByteBuf buf = parked.poll();
    if (buf == null) {
      parkedBytes = 0;
    }
    return buf;
  }

  /**
   * Adds {@code buf} (ownership moves here) to the batch. Returns the batch to write now when it was full, {@code buf}
   * then starting the next one; else null.
   */
  ByteBuf add(ByteBuf buf) {
    if (batch == null) {
      batch = buf;
    } else if (composite == null) {
      // Our own composite, not a test of the type: a frontend may hand over a composite buffer of its own.
      composite = alloc.compositeBuffer(MAX_BATCH_COMPONENTS);
      composite.addComponent(true, batch);
      composite.addComponent(true, buf);
      batch = composite;
    } else if (composite.numComponents() < MAX_BATCH_COMPONENTS) {
      composite.addComponent(true, buf);
    } else {
      ByteBuf full = batch;
      batch = buf;
      composite = null;
      return full;
    }
    return null;
  }

  /** The batch gathered so far (ownership moves to the caller), or null when there is none. */
  ByteBuf take() {
    ByteBuf taken = batch;
    batch = null;
    composite = null;
    return taken;
  }

  /** Releases what is parked or gathered: the viewer is closing, and these bytes have nowhere to go. */
  void release() {
    for (ByteBuf buf = parked.poll(); buf != null; buf = parked.poll()) {
      buf.release();
    }
    parkedBytes = 0;
    if (batch != null) {
      batch.release();
      batch = null;
      composite = null;
    }
  }
}
