package org.rfbactivity.rfb;

/**
 * Follows the server→client half of the handshake up to and including ServerInit (docs/protocol.md#handshake): the
 * ProtocolVersion, the security-type list or decision, the server's half of the chosen {@link SecurityExchange},
 * the SecurityResult and ServerInit. After it the server direction is relayed without parsing:
 * nothing the inspector reports depends on it.
 */
final class ServerHandshakeParser extends HandshakeParser {

  private enum State {
    VERSION, SECURITY, SC_PROMPT, TYPE_33, TYPE_COUNT, TYPE_LIST, AUTH, EXCHANGE, RESULT, FAILURE_REASON,
    FAILURE_TEXT, SERVER_INIT, SERVER_NAME, DONE, CLOSED
  }

  private State state = State.VERSION;
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
          // UltraVNC SingleClick: U32 little-endian length + prompt text (docs/protocol.md#ultravnc-singleclick)
          if (!prefixedSkipped(UltraVncRoundExchange.MAX_PROMPT_BYTES)) {
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
          state = State.EXCHANGE;
          break;
        case EXCHANGE:
          if (!conn.exchange.server(this)) {
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
          String decoded = CapturedText.decode(name, declaredTextLength() > name.length);
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
      // UltraVNC repeater: the client sends a 250-byte ID, then the real server's version arrives
      conn.repeaterIdExpected = true;
      return;
    }
    conn.serverVersion = version;
    state = State.SECURITY;
  }

  /** 3.3: the server decides with a U32 (docs/protocol.md#security-type-chosen-by-the-server). */
  private void onType33(long type) {
    if (type == 0) {
      failureCode = 0;
      state = State.FAILURE_REASON;
      return;
    }
    conn.chooseType(SecurityType.of(type), SecurityExchanges.forLegacyType(type), direction, offset());
    state = State.AUTH;
  }

  /**
   * 3.7/3.8: U8 count, then that many U8 types; count 0 means failure + reason (docs/protocol.md#security-type-list).
   */
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
      // ClientInitExtraMsgSupportNew: ClientInit may carry UltraVNC extra info (docs/protocol.md#clientinit)
      conn.clientInitFlagsOffered = true;
    }
    conn.onlyTightListed &= type == SecurityType.TIGHT;
    if (--typesLeft == 0) {
      conn.listComplete = true;
      state = State.AUTH;
    }
  }

  /**
   * The server's half of the exchange is over: its SecurityResult follows where one is due, otherwise ServerInit
   * (after the client's ClientInit). A refusal inside the exchange (VeNCrypt's ack) has been reported: closed.
   */
  private void afterAuth() {
    if (conn.failed) {
      state = State.CLOSED;
    } else {
      state = conn.resultExpected() ? State.RESULT : State.SERVER_INIT;
    }
  }

  /** 0 OK, 0xFFFFFFFF another round (UltraVNC), anything else failed (docs/protocol.md#securityresult). */
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
   * SecurityResult was due, they are the one an UltraVNC server sends even for None on 3.7
   * (docs/protocol.md#when-a-securityresult-is-sent).
   */
  private void onEarlyServerData() {
    if (!conn.resultExpected() && conn.result == ConnectionState.RESULT_UNKNOWN) {
      state = State.RESULT;
    } else {
      unexpected("server data before ClientInit");
    }
  }

  /** U16 width, U16 height, 16-byte PIXEL_FORMAT, U32 name length (docs/protocol.md#serverinit). */
  private void onServerInitHeader(ByteView header) {
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
