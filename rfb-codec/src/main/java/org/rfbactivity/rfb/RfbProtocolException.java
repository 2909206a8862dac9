package org.rfbactivity.rfb;

import io.netty.handler.codec.DecoderException;
import java.util.Objects;

/**
 * Thrown in strict mode ({@link RfbInspectorConfig#strict()}) where lenient mode would go blind. The message names
 * direction, reason, offset and at most a type code or a length; never payload.
 */
public final class RfbProtocolException extends DecoderException {

  private static final long serialVersionUID = 1L;

  /** The direction that could not be followed. */
  private final Direction direction;
  /** Why. */
  private final BlindReason reason;
  /** The offset of the first byte not interpreted. */
  private final long offset;

  /**
   * A protocol problem in strict mode.
   *
   * @param direction the direction that could not be followed
   * @param reason why
   * @param offset the offset in {@code direction}'s stream of the first byte that was not interpreted
   * @param detail type codes or lengths, never payload; may be empty
   * @param cause the failure behind it, or null
   */
  public RfbProtocolException(Direction direction, BlindReason reason, long offset, String detail, Throwable cause) {
    super(direction + " " + reason + " at offset " + offset + (detail.isEmpty() ? "" : " (" + detail + ")"), cause);
    this.direction = Objects.requireNonNull(direction, "direction");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.offset = offset;
  }

  /** {@return the direction that could not be followed} */
  public Direction direction() {
    return direction;
  }

  /** {@return why} */
  public BlindReason reason() {
    return reason;
  }

  /** {@return the offset in {@link #direction()}'s stream of the first byte that was not interpreted} */
  public long offset() {
    return offset;
  }
}
