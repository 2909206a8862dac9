package org.rfbactivity.rfb;

/**
 * Follows the client→server half of the handshake (docs/protocol.md#handshake): ProtocolVersion (or the UltraVNC
 * repeater ID), the security-type choice and the client's half of the chosen {@link SecurityExchange}, then ClientInit.
 * Where the client's bytes depend on what the server sent (the SecurityResult, a new round), it reads the server's
 * facts from {@link ConnectionState}. When it is done, {@link #inMessagePhase()} turns true and the caller hands the
 * rest of the stream to the {@link ClientMessageParser}.
 */
final class ClientHandshakeParser extends HandshakeParser {

  /** UltraVNC repeater ID: {@code "ID:<id>"} NUL-padded to 250 (docs/protocol.md#ultravnc-repeater). */
  static final int REPEATER_ID_LENGTH = 250;
  /**
   * SingleClick's answer to the prompt: U32 little-endian, 1 accept, 0 refuse (docs/protocol.md#ultravnc-singleclick).
   */
  private static final int SC_ANSWER_LENGTH = 4;
  private static final long MAX_CLIENT_INIT_TEXT = 255;

  private enum State {
    VERSION, SC_ANSWER, AWAIT_SERVER_TYPE, TYPE_CHOICE, SKIP_THEN, EXCHANGE, AFTER_AUTH, CLIENT_INIT,
    CLIENT_INIT_TEXT, MESSAGES, CLOSED
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
          skipThen(SC_ANSWER_LENGTH, securityState());
          break;
        case AWAIT_SERVER_TYPE:
          if (!hasInput()) {
            return;
          }
          if (!conn.typeChosen) {
            closedOrUnexpected("client data before the server's 3.3 security type");
            break;
          }
          state = State.EXCHANGE;
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
        case EXCHANGE:
          if (!conn.exchange.client(this)) {
            return;
          }
          state = State.AFTER_AUTH;
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
          if (!prefixedSkipped(MAX_CLIENT_INIT_TEXT)) {
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
      // UltraVNC repeater keep-alive sent in place of a version; the server reads another
      // (docs/protocol.md#ultravnc-repeater)
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
    // SingleClick: both say 3.14/3.16/3.18, a prompt follows, then both use minor - 10
    // (docs/protocol.md#ultravnc-singleclick)
    conn.scPrompt = version.major() == 3 && (minor == 14 || minor == 16 || minor == 18)
        && version.equals(conn.serverVersion);
    conn.effectiveMinor = conn.scPrompt ? new RfbVersion(3, minor - 10).effectiveMinor() : version.effectiveMinor();
    state = conn.scPrompt ? State.SC_ANSWER : securityState();
  }

  private State securityState() {
    return conn.effectiveMinor == 3 ? State.AWAIT_SERVER_TYPE : State.TYPE_CHOICE;
  }

  private void onTypeChoice(int type) {
    SecurityExchange exchange = SecurityExchanges.forListedType(type);
    conn.chooseType(SecurityType.of(type), exchange, direction, offset());
    if (conn.isBlind()) {
      return;
    }
    if (!exchange.clientInitFollows(conn)) {
      // Apple 3.889 + None: no SecurityResult, no ClientInit, implicit shared
      // (docs/protocol.md#when-a-securityresult-is-sent)
      beginMessages();
      return;
    }
    state = State.EXCHANGE;
  }

  /**
   * The client finished its part of the exchange and sends more: ClientInit, unless the server asked for another
   * round (UltraVNC 0xFFFFFFFF) or refused. A client may send ClientInit before the SecurityResult arrives
   * (ATEN pipelines it, docs/protocol.md#when-a-securityresult-is-sent), so an unknown result means ClientInit —
   * except after the UltraVNC types that always continue, where the client must wait for the next list.
   */
  private void afterAuth() {
    if (conn.failed) {
      state = State.CLOSED;
    } else if (conn.result == ConnectionState.RESULT_CONTINUE) {
      state = State.TYPE_CHOICE;
    } else if (conn.result == ConnectionState.RESULT_UNKNOWN && conn.exchange.continuesWithAnotherRound()) {
      unexpected("client data before the server's next security round");
    } else {
      state = State.CLIENT_INIT;
    }
  }

  /**
   * U8 shared flag; UltraVNC's flag 0x02 adds U8 length + text when the server listed 0x75
   * (docs/protocol.md#clientinit).
   */
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
