package org.rfbactivity.rfb;

import java.util.Objects;

/**
 * Fired once per connection: when the client message phase begins (after ClientInit, or at the point where an
 * Apple 3.889 client that chose None starts sending messages, docs/protocol.md#when-a-securityresult-is-sent), or
 * with {@code inspectable == false} when the connection went blind after a security type was chosen (for example
 * VeNCrypt/TLSVnc, docs/protocol.md#vencrypt-tls-and-x509).
 *
 * @param version the ProtocolVersion the client answered with (its {@code toString()} reads like {@code 3.8})
 * @param serverVersion the ProtocolVersion the server offered
 * @param securityType the negotiated type; after UltraVNC's chained rounds
 *     (docs/protocol.md#chained-security-rounds) the last round's choice
 * @param inspectable whether the client messages that follow are parsed
 */
public record HandshakeCompleted(RfbVersion version, RfbVersion serverVersion, SecurityType securityType,
    boolean inspectable) {

  /**
   * Checks that no component is null.
   *
   * @param version the ProtocolVersion the client answered with (its {@code toString()} reads like {@code 3.8})
   * @param serverVersion the ProtocolVersion the server offered
   * @param securityType the negotiated type; after UltraVNC's chained rounds (docs/protocol.md#chained-security-rounds)
   *     the last round's choice
   * @param inspectable whether the client messages that follow are parsed
   */
  public HandshakeCompleted {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(serverVersion, "serverVersion");
    Objects.requireNonNull(securityType, "securityType");
  }
}
