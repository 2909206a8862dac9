package org.rfbactivity.rfb;

/**
 * 16 Tight (docs/protocol.md#tight): the server lists tunnels (U32 count + 16-byte
 * capabilities); only if it listed any, the client answers a U32 tunnel code (0 NOTUNNEL; any other tunnel makes
 * the stream unreadable). The server then lists authentication types the same way; only if it listed any, the
 * client answers a U32 auth code, and the exchange goes on as that sub-authentication (1 None, 2 VNC
 * authentication, 129 Unix login). An empty auth list means None.
 *
 * <p>ATEN iKVM reuses type 16 for a different exchange: listed alone, and with a first server word far above any
 * tunnel count; that is recognised as its dialect instead of a Tight count that is merely implausible.
 */
final class TightExchange extends SecurityExchange {

  /** Tight lists more than this many tunnel or auth capabilities nowhere (TightVNC offers at most a handful). */
  static final long MAX_CAPABILITIES = 64;
  private static final long CAPABILITY_BYTES = 16;
  /** ATEN iKVM's first U32 after choosing 16 is 0 or above this (docs/protocol.md#aten-ikvm). */
  private static final long ATEN_FIRST_WORD = 0x1000000L;

  // Facts one half takes from the other: -1 until read
  private long tunnels = -1;
  private boolean tunnelChosen;
  private long authTypes = -1;
  private boolean authChosen;
  /** The sub-authentication: the client's choice, or None when the server listed no auth types. */
  private SecurityExchange subAuth;

  private int serverStep;
  private int clientStep;

  /** A Tight authentication capability code (rfbproto "Tight Security Type"). */
  static SecurityExchange forAuthCode(long code) {
    if (code == 1) {
      return new NoneExchange();
    }
    if (code == 2) {
      return FixedLengthExchange.vncAuth();
    }
    if (code == 129) {
      return ClientCredentialsExchange.userPassword();
    }
    return code == 20 ? BlindExchange.ENCRYPTED : BlindExchange.UNKNOWN;
  }

  @Override
  boolean server(HandshakeParser in) {
    for (;;) {
      switch (serverStep) {
        case 0:
          if (!in.field(4)) {
            return false;
          }
          if (!onTunnelCount(in, in.u32Field())) {
            return false;
          }
          serverStep = 1;
          break;
        case 1:
          if (!in.skipped()) {
            return false;
          }
          serverStep = 2;
          break;
        case 2:
          if (!in.awaited(tunnels <= 0 || tunnelChosen, "Tight auth list before the client's tunnel")
              || !in.field(4)) {
            return false;
          }
          if (!onAuthCount(in, in.u32Field())) {
            return false;
          }
          serverStep = 3;
          break;
        case 3:
          if (!in.skipped()) {
            return false;
          }
          serverStep = 4;
          break;
        case 4:
          if (!in.awaited(authTypes <= 0 || authChosen, "Tight auth data before the client's choice")) {
            return false;
          }
          serverStep = 5;
          break;
        case 5:
          return subAuth.server(in);
        default:
          throw new IllegalStateException("Tight server step " + serverStep);
      }
    }
  }

  private boolean onTunnelCount(HandshakeParser in, long count) {
    if (count > MAX_CAPABILITIES) {
      if (in.conn.onlyTightListed && count >= ATEN_FIRST_WORD) {
        in.goBlind(BlindReason.ATEN_DIALECT, in.offset() - 4, "");
      } else {
        in.goBlind(BlindReason.IMPLAUSIBLE_LENGTH, in.offset() - 4, "Tight tunnels " + count);
      }
      return false;
    }
    tunnels = count;
    in.startSkip(count * CAPABILITY_BYTES);
    return true;
  }

  private boolean onAuthCount(HandshakeParser in, long count) {
    if (count > MAX_CAPABILITIES) {
      in.goBlind(BlindReason.IMPLAUSIBLE_LENGTH, in.offset() - 4, "Tight auth types " + count);
      return false;
    }
    authTypes = count;
    if (count == 0) {
      // "If number-of-auth-types is zero, the protocol proceeds directly at security type None"
      subAuth = new NoneExchange();
      in.conn.nest(subAuth, 1, in.direction, in.offset());
    }
    in.startSkip(count * CAPABILITY_BYTES);
    return true;
  }

  @Override
  boolean client(HandshakeParser in) {
    for (;;) {
      switch (clientStep) {
        case 0:
          if (!in.awaited(tunnels >= 0, "Tight tunnel before the server's tunnel list")) {
            return false;
          }
          if (tunnels > 0 && !tunnelChosen) {
            if (!in.field(4)) {
              return false;
            }
            long tunnel = in.u32Field();
            tunnelChosen = true;
            if (tunnel != 0) {
              in.goBlind(BlindReason.ENCRYPTED_SECURITY_TYPE, in.offset(), "Tight tunnel " + tunnel);
              return false;
            }
          }
          clientStep = 1;
          break;
        case 1:
          if (!in.awaited(authTypes >= 0, "Tight auth choice before the server's auth list")) {
            return false;
          }
          if (authTypes > 0) {
            if (!in.field(4)) {
              return false;
            }
            long code = in.u32Field();
            authChosen = true;
            subAuth = forAuthCode(code);
            in.conn.nest(subAuth, code, in.direction, in.offset());
            if (in.conn.isBlind()) {
              return false;
            }
          }
          clientStep = 2;
          break;
        case 2:
          return subAuth.client(in);
        default:
          throw new IllegalStateException("Tight client step " + clientStep);
      }
    }
  }

  @Override
  boolean resultFollows(ConnectionState conn) {
    // Tight with None on 3.7 has no SecurityResult: the sub-authentication's rule
    return subAuth.resultFollows(conn);
  }

  @Override
  boolean nestable() {
    return false;
  }
}
