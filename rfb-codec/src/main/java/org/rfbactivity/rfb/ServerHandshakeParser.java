package org.rfbactivity.rfb;

import io.netty.buffer.ByteBuf;

/**
 * Follows the server→client half of the handshake up to and including ServerInit (RFB.md §1, §2, §6); after it
 * the server direction is relayed without parsing (DESIGN.md §3).
 */
final class ServerHandshakeParser extends HandshakeParser {

  /** Tight lists more than this many tunnel or auth capabilities nowhere (TightVNC offers at most a handful). */
  static final long MAX_TIGHT_CAPABILITIES = 64;
  /** ATEN iKVM's first U32 after choosing 16 is 0 or above this (RFB.md §2 heuristic). */
  private static final long ATEN_FIRST_WORD = 0x1000000L;
  /** Apple DH key lengths seen are 128–512 bytes (RFB.md §2 row 30); a far larger one is not ARD. */
  static final int MAX_APPLE_DH_KEY_BYTES = 8192;
  /** UltraVNC SingleClick prompt texts are short dialog strings. */
  static final long MAX_PROMPT_BYTES = 65536;

  private enum State {
    VERSION, SECURITY, SC_PROMPT, TYPE_33, TYPE_COUNT, TYPE_LIST, AUTH, SKIP_THEN, RA2,
    TIGHT_TUNNELS, TIGHT_AUTH_TYPES, TIGHT_SUB_AUTH,
    VENCRYPT_VERSION, VENCRYPT_ACK, VENCRYPT_SUBTYPES, VENCRYPT_SUB_AUTH,
    APPLE_DH, SC_PROMPT_AUTH, RESULT, FAILURE_REASON, FAILURE_TEXT, SERVER_INIT, SERVER_NAME, DONE, CLOSED
  }

  private State state = State.VERSION;
  private State afterSkip;
  private int typesLeft;
  private long failureCode;
  private int width;
  private int height;
  private PixelFormat pixelFormat;

  ServerHandshakeParser(ConnectionState conn) {
    super(conn, Direction.SERVER_TO_CLIENT, new HeaderScratch());
  }

  /** True once ServerInit has been read, or the server refused the connection: nothing more is parsed. */
  boolean isDone() {
    return state == State.DONE || state == State.CLOSED;
  }

  @Override
  void run() {
    for (;;) {
      if (conn.isBlind()) {
        return;
      }
      switch (state) {
        case VERSION:
          if (!field(12)) {
            return;
          }
          onVersion();
          break;
        case SECURITY:
          if (!awaited(conn.clientVersion != null, "server security data before the client's version")) {
            return;
          }
          if (conn.scPrompt && !conn.scPromptShown) {
            startPrefixed(-4);
            state = State.SC_PROMPT;
          } else {
            state = conn.effectiveMinor == 3 ? State.TYPE_33 : State.TYPE_COUNT;
          }
          break;
        case SC_PROMPT:
          // UltraVNC SingleClick: U32 little-endian length + prompt text (RFB.md §1.1 table, SC_PROMPT)
          if (!prefixedSkipped(MAX_PROMPT_BYTES)) {
            return;
          }
          conn.scPromptShown = true;
          state = State.SECURITY;
          break;
        case TYPE_33:
          if (!field(4)) {
            return;
          }
          onType33(u32Field());
          break;
        case TYPE_COUNT:
          if (!field(1)) {
            return;
          }
          onTypeCount(u8Field());
          break;
        case TYPE_LIST:
          if (!field(1)) {
            return;
          }
          onListedType(u8Field());
          break;
        case AUTH:
          if (!awaited(conn.typeChosen, "server auth data before the client's security type")) {
            return;
          }
          startAuth(conn.scheme);
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
          afterAuth();
          break;
        case TIGHT_TUNNELS:
          if (!field(4)) {
            return;
          }
          onTightTunnels(u32Field());
          break;
        case TIGHT_AUTH_TYPES:
          if (!awaited(conn.tightTunnels <= 0 || conn.tightTunnelChosen,
              "Tight auth list before the client's tunnel") || !field(4)) {
            return;
          }
          onTightAuthTypes(u32Field());
          break;
        case TIGHT_SUB_AUTH:
          if (!awaited(conn.tightAuthTypes <= 0 || conn.tightAuthChosen,
              "Tight auth data before the client's choice")) {
            return;
          }
          startAuth(conn.scheme);
          break;
        case VENCRYPT_VERSION:
          // U8 major, U8 minor: the server's highest VeNCrypt version (RFB.md §2 row 19)
          if (!field(2)) {
            return;
          }
          consumeField();
          state = State.VENCRYPT_ACK;
          break;
        case VENCRYPT_ACK:
          if (!awaited(conn.venCryptClientMinor >= 0, "VeNCrypt ack before the client's version") || !field(1)) {
            return;
          }
          onVenCryptAck(u8Field());
          break;
        case VENCRYPT_SUBTYPES:
          // 0.2: U8 count + U32 subtypes; 0.1: U8 count + U8 subtypes
          if (!field(1)) {
            return;
          }
          skipThen(u8Field() * (conn.venCryptClientMinor == 2 ? 4L : 1L), State.VENCRYPT_SUB_AUTH);
          break;
        case VENCRYPT_SUB_AUTH:
          conn.venCryptListComplete = true;
          if (!awaited(conn.venCryptSubtypeChosen, "VeNCrypt data before the client's subtype")) {
            return;
          }
          startAuth(conn.scheme);
          break;
        case APPLE_DH:
          // U16 generator, U16 key length; then prime and public key of key-length bytes each
          if (!field(4)) {
            return;
          }
          onAppleDh(fieldBytes().getUnsignedShort(2));
          break;
        case SC_PROMPT_AUTH:
          if (!prefixedSkipped(MAX_PROMPT_BYTES)) {
            return;
          }
          afterAuth();
          break;
        case RESULT:
          if (!field(4)) {
            return;
          }
          onResult(u32Field());
          break;
        case FAILURE_REASON:
          if (!field(4)) {
            return;
          }
          startText(u32Field(), SecurityFailure.MAX_REASON_BYTES, true);
          state = State.FAILURE_TEXT;
          break;
        case FAILURE_TEXT:
          if (!textRead()) {
            return;
          }
          byte[] reason = takeText();
          conn.securityFailed(failureCode, reason, declaredTextLength() > reason.length);
          state = State.CLOSED;
          break;
        case SERVER_INIT:
          if (!hasInput()) {
            return;
          }
          if (!conn.clientInitSeen) {
            onEarlyServerData();
            break;
          }
          if (!field(24)) {
            return;
          }
          onServerInitHeader(fieldBytes());
          break;
        case SERVER_NAME:
          if (!textRead()) {
            return;
          }
          byte[] name = takeText();
          state = State.DONE;
          String decoded = ConnectionState.decode(name, declaredTextLength() > name.length);
          conn.serverInit(new ServerInit(width, height, pixelFormat, decoded, declaredTextLength()));
          return;
        case DONE:
          return;
        case CLOSED:
          // The server closes after a refusal; whatever it still sends is relayed uninterpreted.
          index = end;
          return;
        default:
          throw new IllegalStateException("server state " + state);
      }
    }
  }

  private void onVersion() {
    RfbVersion version = versionField("server ProtocolVersion");
    if (version == null) {
      return;
    }
    if (version.major() == 0 && version.minor() == 0) {
      // UltraVNC repeater: the client sends a 250-byte ID, then the real server's version arrives (RFB.md §1.1)
      conn.repeaterIdExpected = true;
      return;
    }
    conn.serverVersion = version;
    state = State.SECURITY;
  }

  /** RFB.md §1.2, 3.3 form: the server decides with a U32. */
  private void onType33(long type) {
    if (type == 0) {
      failureCode = 0;
      state = State.FAILURE_REASON;
      return;
    }
    conn.chooseType(SecurityType.of(type), AuthScheme.forLegacyType(type), direction, offset());
    state = State.AUTH;
  }

  /** RFB.md §1.2, 3.7/3.8 form: U8 count, then that many U8 types; count 0 means failure + reason. */
  private void onTypeCount(int count) {
    if (count == 0) {
      failureCode = 0;
      state = State.FAILURE_REASON;
      return;
    }
    typesLeft = count;
    conn.onlyTightListed = count == 1;
    state = State.TYPE_LIST;
  }

  private void onListedType(int type) {
    if (type == 0x75) {
      // ClientInitExtraMsgSupportNew: ClientInit may carry UltraVNC extra info (RFB.md §1.4)
      conn.clientInitFlagsOffered = true;
    }
    conn.onlyTightListed &= type == SecurityType.TIGHT;
    if (--typesLeft == 0) {
      conn.listComplete = true;
      state = State.AUTH;
    }
  }

  /** Starts the server half of the running scheme (RFB.md §2). */
  private void startAuth(AuthScheme scheme) {
    switch (scheme) {
      case VNC_AUTH:
      case XVP:
        skipThenAuthDone(16);
        break;
      case MS_LOGON_II:
        skipThenAuthDone(24);
        break;
      case MS_LOGON_III:
        skipThenAuthDone(32);
        break;
      case RA2NE:
        startRa2();
        state = State.RA2;
        break;
      case TIGHT:
        state = State.TIGHT_TUNNELS;
        break;
      case VENCRYPT:
        state = State.VENCRYPT_VERSION;
        break;
      case APPLE_DH:
        state = State.APPLE_DH;
        break;
      case SC_PROMPT:
        startPrefixed(-4);
        state = State.SC_PROMPT_AUTH;
        break;
      case NONE:
      case USER_PASSWORD:
      case IDENT:
      case ULTRA:
      case SESSION_SELECT:
      case CLIENT_INIT_EXTRA:
        afterAuth();
        break;
      default:
        // ENCRYPTED / UNKNOWN were made blind when chosen.
        throw new IllegalStateException("no server exchange for " + scheme);
    }
  }

  private void skipThenAuthDone(long length) {
    skipThen(length, authDoneState());
  }

  private void skipThen(long length, State next) {
    startSkip(length);
    afterSkip = next;
    state = State.SKIP_THEN;
  }

  private void afterAuth() {
    state = authDoneState();
  }

  private State authDoneState() {
    return conn.resultExpected() ? State.RESULT : State.SERVER_INIT;
  }

  private void onTightTunnels(long count) {
    if (count > MAX_TIGHT_CAPABILITIES) {
      if (conn.onlyTightListed && count >= ATEN_FIRST_WORD) {
        conn.goBlind(direction, BlindReason.ATEN_DIALECT, offset() - 4, "", null);
      } else {
        conn.goBlind(direction, BlindReason.IMPLAUSIBLE_LENGTH, offset() - 4, "Tight tunnels " + count, null);
      }
      return;
    }
    conn.tightTunnels = count;
    // 16-byte capabilities; the client answers with a tunnel code only if count > 0 (rfbproto "Tight")
    skipThen(count * 16, State.TIGHT_AUTH_TYPES);
  }

  private void onTightAuthTypes(long count) {
    if (count > MAX_TIGHT_CAPABILITIES) {
      conn.goBlind(direction, BlindReason.IMPLAUSIBLE_LENGTH, offset() - 4, "Tight auth types " + count, null);
      return;
    }
    conn.tightAuthTypes = count;
    if (count == 0) {
      // "If number-of-auth-types is zero, the protocol proceeds directly at security type None"
      conn.nest(AuthScheme.NONE, 1, direction, offset());
    }
    skipThen(count * 16, State.TIGHT_SUB_AUTH);
  }

  private void onVenCryptAck(int ack) {
    conn.venCryptAck = ack;
    if (ack != 0) {
      // TigerVNC answers 0xFF to versions it does not support, then closes (RFB.md §2 row 19)
      conn.securityFailed(0, null, false);
      state = State.CLOSED;
      return;
    }
    int minor = conn.venCryptClientMinor;
    if (minor != 1 && minor != 2) {
      conn.goBlind(direction, BlindReason.UNKNOWN_SECURITY_TYPE, offset(), "VeNCrypt 0." + minor, null);
      return;
    }
    state = State.VENCRYPT_SUBTYPES;
  }

  private void onAppleDh(int keyLength) {
    consumeField();
    if (keyLength == 0 || keyLength > MAX_APPLE_DH_KEY_BYTES) {
      conn.goBlind(direction, BlindReason.IMPLAUSIBLE_LENGTH, offset() - 2, "DH key length " + keyLength, null);
      return;
    }
    conn.appleKeyLength = keyLength;
    skipThenAuthDone(2L * keyLength);
  }

  /** RFB.md §1.3: 0 OK, 0xFFFFFFFF another round (UltraVNC), anything else failed. */
  private void onResult(long result) {
    conn.result = result;
    if (result == ConnectionState.RESULT_OK) {
      state = State.SERVER_INIT;
    } else if (result == ConnectionState.RESULT_CONTINUE) {
      conn.startNewRound();
      state = State.TYPE_COUNT;
    } else if (conn.effectiveMinor >= 8 || result == ConnectionState.RESULT_FAILED_WITH_REASON) {
      failureCode = result;
      state = State.FAILURE_REASON;
    } else {
      conn.securityFailed(result, null, false);
      state = State.CLOSED;
    }
  }

  /**
   * Server bytes before the client's ClientInit cannot be ServerInit (the server sends it in reply). Where no
   * SecurityResult was due, they are the one an UltraVNC server sends even for None on 3.7 (RFB.md §1.3 table).
   */
  private void onEarlyServerData() {
    if (!conn.resultExpected() && conn.result == ConnectionState.RESULT_UNKNOWN) {
      state = State.RESULT;
    } else {
      unexpected("server data before ClientInit");
    }
  }

  /** RFB.md §1.5: U16 width, U16 height, 16-byte PIXEL_FORMAT, U32 name length. */
  private void onServerInitHeader(ByteBuf header) {
    width = header.getUnsignedShort(0);
    height = header.getUnsignedShort(2);
    pixelFormat = new PixelFormat(header.getUnsignedByte(4), header.getUnsignedByte(5), header.getByte(6) != 0,
        header.getByte(7) != 0, header.getUnsignedShort(8), header.getUnsignedShort(10),
        header.getUnsignedShort(12), header.getUnsignedByte(14), header.getUnsignedByte(15),
        header.getUnsignedByte(16));
    long nameLength = header.getUnsignedInt(20);
    consumeField();
    // Only the capped prefix is read; what follows (rest of the name, Tight capabilities) is relayed unparsed.
    startText(nameLength, ServerInit.MAX_NAME_BYTES, false);
    state = State.SERVER_NAME;
  }
}
