package org.rfbactivity.rfb;

/**
 * Follows the client→server half of the handshake (RFB.md §1, §2, §6): ProtocolVersion (or the UltraVNC repeater
 * ID), the security-type choice and the client's part of each exchange, then ClientInit. Where a client length
 * depends on what the server sent (Tight lists, Apple DH key length, the SecurityResult), it reads the server's
 * facts from {@link ConnectionState}. When it is done, {@link #inMessagePhase()} turns true and the caller hands
 * the rest of the stream to the {@link ClientMessageParser}.
 */
final class ClientHandshakeParser extends HandshakeParser {

  /** UltraVNC repeater ID: {@code "ID:<id>"} NUL-padded to MAX_HOST_NAME_LEN (RFB.md §1.1). */
  static final int REPEATER_ID_LENGTH = 250;
  /** Credentials longer than this are not a login (TigerVNC and libvncserver cap names far lower). */
  static final long MAX_CREDENTIAL_BYTES = 65536;

  private enum State {
    VERSION, SC_ANSWER, AWAIT_SERVER_TYPE, TYPE_CHOICE, SKIP_THEN, RA2, CLIENT_INIT_EXTRA,
    TIGHT_TUNNEL, TIGHT_AUTH, VENCRYPT_VERSION, VENCRYPT_SUBTYPE, USER_PASSWORD, IDENT, XVP, APPLE_DH,
    AFTER_AUTH, CLIENT_INIT, CLIENT_INIT_TEXT, MESSAGES, CLOSED
  }

  private State state = State.VERSION;
  private State afterSkip;

  ClientHandshakeParser(ConnectionState conn, HeaderScratch scratch) {
    super(conn, Direction.CLIENT_TO_SERVER, scratch);
  }

  boolean inMessagePhase() {
    return state == State.MESSAGES;
  }

  @Override
  void run() {
    for (;;) {
      if (conn.isBlind()) {
        return;
      }
      switch (state) {
        case VERSION:
          if (!hasInput()) {
            return;
          }
          if (conn.repeaterIdExpected) {
            conn.repeaterIdExpected = false;
            skipThen(REPEATER_ID_LENGTH, State.VERSION);
            break;
          }
          if (!awaited(conn.serverVersion != null, "client data before the server's ProtocolVersion") || !field(12)) {
            return;
          }
          onVersion();
          break;
        case SC_ANSWER:
          if (!awaited(conn.scPromptShown, "SingleClick answer before the prompt")) {
            return;
          }
          // U32 little-endian: 1 accept, 0 refuse (RFB.md §1.1)
          skipThen(4, securityState());
          break;
        case AWAIT_SERVER_TYPE:
          if (!hasInput()) {
            return;
          }
          if (!conn.typeChosen) {
            closedOrUnexpected("client data before the server's 3.3 security type");
            break;
          }
          startAuth(conn.scheme);
          break;
        case TYPE_CHOICE:
          if (!hasInput()) {
            return;
          }
          if (!conn.listComplete || conn.typeChosen) {
            closedOrUnexpected("client security type before the server's list");
            break;
          }
          if (!field(1)) {
            return;
          }
          onTypeChoice(u8Field());
          break;
        case SKIP_THEN:
          if (!skipped()) {
            return;
          }
          state = afterSkip;
          break;
        case RA2:
          if (!ra2Exchanged()) {
            return;
          }
          state = State.AFTER_AUTH;
          break;
        case CLIENT_INIT_EXTRA:
          if (!prefixedSkipped(255)) {
            return;
          }
          state = State.AFTER_AUTH;
          break;
        case TIGHT_TUNNEL:
          if (!awaited(conn.tightTunnels >= 0, "Tight tunnel before the server's tunnel list") || !onTightTunnel()) {
            return;
          }
          break;
        case TIGHT_AUTH:
          if (!awaited(conn.tightAuthTypes >= 0, "Tight auth choice before the server's auth list") || !onTightAuth()) {
            return;
          }
          break;
        case VENCRYPT_VERSION:
          // U8 major, U8 minor the client will use (RFB.md §2 row 19)
          if (!field(2)) {
            return;
          }
          conn.venCryptClientMinor = fieldBytes().getUnsignedByte(0) == 0 ? fieldBytes().getUnsignedByte(1) : 0xFF;
          consumeField();
          state = State.VENCRYPT_SUBTYPE;
          break;
        case VENCRYPT_SUBTYPE:
          if (!awaited(conn.venCryptAck >= 0, "VeNCrypt subtype before the server's ack") || !onVenCryptSubtype()) {
            return;
          }
          break;
        case USER_PASSWORD:
          // U32 user length, U32 password length, then both (VeNCrypt Plain, Tight Unix login)
          if (!field(8)) {
            return;
          }
          onUserPassword(fieldBytes().getUnsignedInt(0), fieldBytes().getUnsignedInt(4));
          break;
        case IDENT:
          if (!prefixedSkipped(MAX_CREDENTIAL_BYTES)) {
            return;
          }
          state = State.AFTER_AUTH;
          break;
        case XVP:
          // U8 user length, U8 target length, user, target, then the 16-byte VNC auth response
          if (!field(2)) {
            return;
          }
          skipThen(fieldBytes().getUnsignedByte(0) + fieldBytes().getUnsignedByte(1) + 16L, State.AFTER_AUTH);
          consumeField();
          break;
        case APPLE_DH:
          if (!awaited(conn.appleKeyLength >= 0, "Apple DH response before the server's key")) {
            return;
          }
          // 128 bytes of encrypted credentials + the client's public key (RFB.md §2 row 30)
          skipThen(128L + conn.appleKeyLength, State.AFTER_AUTH);
          break;
        case AFTER_AUTH:
          if (!hasInput()) {
            return;
          }
          afterAuth();
          break;
        case CLIENT_INIT:
          if (!field(1)) {
            return;
          }
          onClientInit(u8Field());
          break;
        case CLIENT_INIT_TEXT:
          if (!prefixedSkipped(255)) {
            return;
          }
          beginMessages();
          return;
        case MESSAGES:
          return;
        case CLOSED:
          // After a refusal the server closes; the client's last bytes are relayed uninterpreted.
          index = end;
          return;
        default:
          throw new IllegalStateException("client state " + state);
      }
    }
  }

  private void onVersion() {
    if (fieldBytes().getByte(0) == 'R' && fieldBytes().getByte(1) == 'E' && fieldBytes().getByte(2) == 'P') {
      // UltraVNC repeater keep-alive sent in place of a version; the server reads another (RFB.md §1.1)
      consumeField();
      return;
    }
    RfbVersion version = versionField("client ProtocolVersion");
    if (version == null) {
      return;
    }
    conn.clientVersion = version;
    int minor = version.minor();
    conn.apple889 = version.major() == 3 && minor == 889;
    // SingleClick: both say 3.14/3.16/3.18, a prompt follows, then both use minor - 10 (RFB.md §1.1)
    conn.scPrompt = version.major() == 3 && (minor == 14 || minor == 16 || minor == 18)
        && version.equals(conn.serverVersion);
    conn.effectiveMinor = conn.scPrompt ? new RfbVersion(3, minor - 10).effectiveMinor() : version.effectiveMinor();
    state = conn.scPrompt ? State.SC_ANSWER : securityState();
  }

  private State securityState() {
    return conn.effectiveMinor == 3 ? State.AWAIT_SERVER_TYPE : State.TYPE_CHOICE;
  }

  private void onTypeChoice(int type) {
    AuthScheme scheme = AuthScheme.forListedType(type);
    conn.chooseType(SecurityType.of(type), scheme, direction, offset());
    if (conn.isBlind()) {
      return;
    }
    if (conn.skipsClientInit()) {
      // Apple 3.889 + None: no SecurityResult, no ClientInit, implicit shared (RFB.md §1.3 table)
      beginMessages();
      return;
    }
    startAuth(scheme);
  }

  /** Starts the client half of the running scheme (RFB.md §2). */
  private void startAuth(AuthScheme scheme) {
    switch (scheme) {
      case VNC_AUTH:
        skipThen(16, State.AFTER_AUTH);
        break;
      case MS_LOGON_II:
        skipThen(328, State.AFTER_AUTH);
        break;
      case MS_LOGON_III:
        skipThen(352, State.AFTER_AUTH);
        break;
      case SC_PROMPT:
        skipThen(4, State.AFTER_AUTH);
        break;
      case RA2NE:
        startRa2();
        state = State.RA2;
        break;
      case TIGHT:
        state = State.TIGHT_TUNNEL;
        break;
      case VENCRYPT:
        state = State.VENCRYPT_VERSION;
        break;
      case USER_PASSWORD:
        state = State.USER_PASSWORD;
        break;
      case IDENT:
        startPrefixed(4);
        state = State.IDENT;
        break;
      case XVP:
        state = State.XVP;
        break;
      case APPLE_DH:
        state = State.APPLE_DH;
        break;
      case CLIENT_INIT_EXTRA:
        // the old UltraVNC variant: U8 length + text right after the type byte (RFB.md §1.4)
        startPrefixed(1);
        state = State.CLIENT_INIT_EXTRA;
        break;
      case NONE:
      case ULTRA:
      case SESSION_SELECT:
        state = State.AFTER_AUTH;
        break;
      default:
        throw new IllegalStateException("no client exchange for " + scheme);
    }
  }

  /** rfbproto "Tight": a U32 tunnel code only if the server listed tunnels; 0 is NOTUNNEL. */
  private boolean onTightTunnel() {
    if (conn.tightTunnels > 0 && !conn.tightTunnelChosen) {
      if (!field(4)) {
        return false;
      }
      long tunnel = u32Field();
      conn.tightTunnelChosen = true;
      if (tunnel != 0) {
        conn.goBlind(direction, BlindReason.ENCRYPTED_SECURITY_TYPE, offset(), "Tight tunnel " + tunnel, null);
        return false;
      }
    }
    state = State.TIGHT_AUTH;
    return true;
  }

  /** A U32 auth code only if the server listed auth types; none listed means None. */
  private boolean onTightAuth() {
    if (conn.tightAuthTypes > 0) {
      if (!field(4)) {
        return false;
      }
      long code = u32Field();
      conn.tightAuthChosen = true;
      conn.nest(AuthScheme.forTightAuth(code), code, direction, offset());
      if (conn.isBlind()) {
        return false;
      }
    }
    startAuth(conn.scheme);
    return true;
  }

  /** The chosen subtype: U32 in VeNCrypt 0.2, U8 in 0.1 (RFB.md §2 row 19). */
  private boolean onVenCryptSubtype() {
    if (conn.venCryptAck != 0) {
      state = State.CLOSED;
      return true;
    }
    if (!conn.venCryptListComplete) {
      unexpected("VeNCrypt subtype before the server's list");
      return false;
    }
    boolean v02 = conn.venCryptClientMinor == 2;
    if (!field(v02 ? 4 : 1)) {
      return false;
    }
    long subtype = v02 ? u32Field() : AuthScheme.venCrypt01To02(u8Field());
    conn.venCryptSubtypeChosen = true;
    conn.nest(AuthScheme.forVeNCryptSubtype(subtype), subtype, direction, offset());
    if (conn.isBlind()) {
      return false;
    }
    startAuth(conn.scheme);
    return true;
  }

  private void onUserPassword(long userLength, long passwordLength) {
    consumeField();
    if (userLength > MAX_CREDENTIAL_BYTES || passwordLength > MAX_CREDENTIAL_BYTES) {
      implausible(Math.max(userLength, passwordLength));
      return;
    }
    skipThen(userLength + passwordLength, State.AFTER_AUTH);
  }

  /**
   * The client finished its part of the exchange and sends more: ClientInit, unless the server asked for another
   * round (UltraVNC 0xFFFFFFFF) or refused. A client may send ClientInit before the SecurityResult arrives
   * (ATEN pipelines it, RFB.md §1.3), so an unknown result means ClientInit — except after the UltraVNC types
   * that always continue, where the client must wait for the next list.
   */
  private void afterAuth() {
    if (conn.failed) {
      state = State.CLOSED;
    } else if (conn.result == ConnectionState.RESULT_CONTINUE) {
      state = State.TYPE_CHOICE;
    } else if (conn.result == ConnectionState.RESULT_UNKNOWN && conn.scheme.continuesWithAnotherRound()) {
      unexpected("client data before the server's next security round");
    } else {
      state = State.CLIENT_INIT;
    }
  }

  /** RFB.md §1.4: U8 shared flag; UltraVNC flag 0x02 adds U8 length + text when the server listed 0x75. */
  private void onClientInit(int flags) {
    if (conn.clientInitFlagsOffered && (flags & 0x02) != 0) {
      startPrefixed(1);
      state = State.CLIENT_INIT_TEXT;
      return;
    }
    beginMessages();
  }

  private void beginMessages() {
    state = State.MESSAGES;
    conn.clientMessagesBegin();
  }

  private void closedOrUnexpected(String what) {
    if (conn.failed) {
      state = State.CLOSED;
    } else {
      unexpected(what);
    }
  }

  private void skipThen(long length, State next) {
    startSkip(length);
    afterSkip = next;
    state = State.SKIP_THEN;
  }
}
