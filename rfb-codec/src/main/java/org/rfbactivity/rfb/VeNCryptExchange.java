package org.rfbactivity.rfb;

/**
 * 19 VeNCrypt (docs/protocol.md#vencrypt): the server sends its highest version (U8 major, U8
 * minor), the client the version it will use, the server a U8 ack (0 OK; anything else refuses and closes), then
 * the subtype list (U8 count + U32 subtypes in 0.2, U8 subtypes in the obsolete 0.1), and the client its choice
 * (U32, or U8 in 0.1). The exchange goes on as the chosen subtype: Plain and Ident send credentials in the clear,
 * the TLS and X509 subtypes encrypt everything after, and a plain security type listed inside VeNCrypt runs its
 * own exchange. A SecurityResult always follows, whatever the subtype.
 */
final class VeNCryptExchange extends SecurityExchange {

  // Facts one half takes from the other: -1 / false until read
  /** The VeNCrypt minor version the client will use: 1 or 2, or 0xFF when its major is not 0. */
  private int clientMinor = -1;
  private int ack = -1;
  private boolean listComplete;
  private boolean subtypeChosen;
  private SecurityExchange subtype;

  private int serverStep;
  private int clientStep;

  /**
   * A VeNCrypt 0.2 subtype (U32): 256 Plain, 265 Ident, the TLS/X509 family (257–264, 266, 267) and the plain
   * types nested inside VeNCrypt.
   */
  static SecurityExchange forSubtype(long code) {
    if (code == 256) {
      return ClientCredentialsExchange.userPassword();
    }
    if (code == 265) {
      return ClientCredentialsExchange.ident();
    }
    if ((code >= 257 && code <= 264) || code == 266 || code == 267) {
      return BlindExchange.ENCRYPTED;
    }
    if (code >= 0 && code < 256) {
      SecurityExchange nested = SecurityExchanges.forListedType((int) code);
      // A nested VeNCrypt/Tight or a round-continuing UltraVNC type inside VeNCrypt is not a known exchange.
      return nested.nestable() ? nested : BlindExchange.UNKNOWN;
    }
    return BlindExchange.UNKNOWN;
  }

  /**
   * Maps an obsolete VeNCrypt 0.1 U8 subtype (19 Plain, 20–22 TLS, 23–25 X509) to its 0.2 number, or -1.
   */
  static long fromVersion01(int code) {
    return code >= 19 && code <= 25 ? 256 + (code - 19) : -1;
  }

  @Override
  boolean server(HandshakeParser in) {
    for (;;) {
      switch (serverStep) {
        case 0:
          // U8 major, U8 minor: the server's highest VeNCrypt version
          if (!in.field(2)) {
            return false;
          }
          in.consumeField();
          serverStep = 1;
          break;
        case 1:
          if (!in.awaited(clientMinor >= 0, "VeNCrypt ack before the client's version") || !in.field(1)) {
            return false;
          }
          ack = in.u8Field();
          if (ack != 0) {
            // TigerVNC answers 0xFF to versions it does not support, then closes
            in.conn.securityFailed(0, null, false);
            return true;
          }
          if (clientMinor != 1 && clientMinor != 2) {
            in.goBlind(BlindReason.UNKNOWN_SECURITY_TYPE, in.offset(), "VeNCrypt 0." + clientMinor);
            return false;
          }
          serverStep = 2;
          break;
        case 2:
          if (!in.field(1)) {
            return false;
          }
          in.startSkip(in.u8Field() * (clientMinor == 2 ? 4L : 1L));
          serverStep = 3;
          break;
        case 3:
          if (!in.skipped()) {
            return false;
          }
          listComplete = true;
          serverStep = 4;
          break;
        case 4:
          if (!in.awaited(subtypeChosen, "VeNCrypt data before the client's subtype")) {
            return false;
          }
          serverStep = 5;
          break;
        case 5:
          return subtype.server(in);
        default:
          throw new IllegalStateException("VeNCrypt server step " + serverStep);
      }
    }
  }

  @Override
  boolean client(HandshakeParser in) {
    for (;;) {
      switch (clientStep) {
        case 0:
          // U8 major, U8 minor the client will use
          if (!in.field(2)) {
            return false;
          }
          ByteView version = in.fieldBytes();
          clientMinor = version.getUnsignedByte(0) == 0 ? version.getUnsignedByte(1) : 0xFF;
          in.consumeField();
          clientStep = 1;
          break;
        case 1:
          if (!in.awaited(ack >= 0, "VeNCrypt subtype before the server's ack")) {
            return false;
          }
          if (ack != 0) {
            // Refused: the server closes; what the client still sends is relayed uninterpreted.
            return true;
          }
          if (!listComplete) {
            in.unexpected("VeNCrypt subtype before the server's list");
            return false;
          }
          if (!onSubtype(in)) {
            return false;
          }
          clientStep = 2;
          break;
        case 2:
          return subtype.client(in);
        default:
          throw new IllegalStateException("VeNCrypt client step " + clientStep);
      }
    }
  }

  /** The chosen subtype: U32 in VeNCrypt 0.2, U8 in 0.1. */
  private boolean onSubtype(HandshakeParser in) {
    boolean v02 = clientMinor == 2;
    if (!in.field(v02 ? 4 : 1)) {
      return false;
    }
    long code = v02 ? in.u32Field() : fromVersion01(in.u8Field());
    subtypeChosen = true;
    subtype = forSubtype(code);
    in.conn.nest(subtype, code, in.direction, in.offset());
    return !in.conn.isBlind();
  }

  @Override
  boolean nestable() {
    return false;
  }
}
