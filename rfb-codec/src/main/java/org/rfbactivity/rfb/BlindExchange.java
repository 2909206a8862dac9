package org.rfbactivity.rfb;

/**
 * A choice after which the stream cannot be followed (docs/protocol.md#security-types): encrypted or transformed from
 * here on (VeNCrypt TLS/X509, the RA2 family but RA2ne, Vino TLS, SASL, UltraVNC SecureVNC, a Tight tunnel), or an
 * exchange that is undocumented or unknown, whose length is never guessed. The connection goes blind when it is chosen,
 * so neither half ever runs.
 */
final class BlindExchange extends SecurityExchange {

  static final BlindExchange ENCRYPTED = new BlindExchange(BlindReason.ENCRYPTED_SECURITY_TYPE);
  static final BlindExchange UNKNOWN = new BlindExchange(BlindReason.UNKNOWN_SECURITY_TYPE);

  private final BlindReason reason;

  private BlindExchange(BlindReason reason) {
    this.reason = reason;
  }

  @Override
  BlindReason blindReason() {
    return reason;
  }

  @Override
  boolean server(HandshakeParser in) {
    throw new IllegalStateException("no server exchange after " + reason);
  }

  @Override
  boolean client(HandshakeParser in) {
    throw new IllegalStateException("no client exchange after " + reason);
  }
}
