package org.rfbactivity.rfb;

import java.util.Objects;

/**
 * The server refused the connection during the security phase (docs/protocol.md#securityresult): an empty security-type
 * list, a 3.3 security type 0, a refused VeNCrypt version, or a non-zero SecurityResult. The server closes afterwards.
 *
 * @param code the SecurityResult value (1 failed, 2 too many attempts, 3 UltraVNC failed-with-reason), or 0 when
 *     the server refused before authentication (empty list, 3.3 type 0, VeNCrypt version refused)
 * @param reason the server's reason string decoded from at most {@link #MAX_REASON_BYTES} bytes, or empty when
 *     the protocol version carries none (3.3 and 3.7 SecurityResult)
 */
public record SecurityFailure(long code, String reason) {

  /** How many bytes of a failure reason are captured. */
  public static final int MAX_REASON_BYTES = 256;

  /**
   * Checks that the reason is not null.
   *
   * @param code the SecurityResult value (1 failed, 2 too many attempts, 3 UltraVNC failed-with-reason), or 0 when the
   *     server refused before authentication (empty list, 3.3 type 0, VeNCrypt version refused)
   * @param reason the server's reason string decoded from at most {@link #MAX_REASON_BYTES} bytes, or empty when the
   *     protocol version carries none (3.3 and 3.7 SecurityResult)
   */
  public SecurityFailure {
    Objects.requireNonNull(reason, "reason");
  }
}
