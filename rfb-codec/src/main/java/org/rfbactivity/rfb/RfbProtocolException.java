package org.rfbactivity.rfb;

import io.netty.handler.codec.DecoderException;
import java.util.Objects;

/**
 * Thrown in strict mode ({@link RfbInspectorConfig#strict()}) where lenient mode would go blind. The message names
 * direction, reason, offset and at most a type code or a length; never payload.
 */
public final class RfbProtocolException extends DecoderException {

  private static final long serialVersionUID = 1L;

  private final Direction direction;
  private final BlindReason reason;
  private final long offset;

  public RfbProtocolException(Direction direction, BlindReason reason, long offset, String detail, Throwable cause) {
    super(direction + " " + reason + " at offset " + offset + (detail.isEmpty() ? "" : " (" + detail + ")"), cause);
    this.direction = Objects.requireNonNull(direction, "direction");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.offset = offset;
  }

  public Direction direction() {
    return direction;
  }

  public BlindReason reason() {
    return reason;
  }

  public long offset() {
    return offset;
  }
}
