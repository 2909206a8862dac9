package org.rfbactivity.rfb;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both directions of one connection have learned about the handshake, plus the single place that reports
 * events, counts, and makes the connection blind. The server handshake parser and the client stream parser read
 * each other's facts here: a value one side needs is always written by the other side before the bytes that
 * depend on it can arrive, because the client only answers what it has received (RFB.md §5.3, "causal sync").
 * When the bytes arrive first anyway, the connection goes blind ({@link BlindReason#UNEXPECTED_DATA}) instead of
 * guessing.
 *
 * <p>Confined to the channel's event loop, except {@link #isBlind()}, which any thread may read.
 */
final class ConnectionState {

  private static final Logger LOG = LoggerFactory.getLogger(RfbInspector.class);

  static final long RESULT_UNKNOWN = -1;
  static final long RESULT_OK = 0;
  /** UltraVNC rfbVncAuthContinue: another security-type round follows (RFB.md §1.3). */
  static final long RESULT_CONTINUE = 0xFFFFFFFFL;
  /** UltraVNC rfbVncAuthFailedEx: a reason string follows even before 3.8 (RFB.md §1.3). */
  static final long RESULT_FAILED_WITH_REASON = 3;

  final RfbListener listener;
  final RfbCounters counters = new RfbCounters();
  final boolean strict;
  final boolean revealKeysyms;
  private String label = "unregistered";
  private volatile boolean blind;

  // ProtocolVersion, RFB.md §1.1
  RfbVersion serverVersion;
  RfbVersion clientVersion;
  /** The server said 000.000 (UltraVNC repeater): the client sends a 250-byte ID, then the real handshake starts. */
  boolean repeaterIdExpected;
  int effectiveMinor;
  boolean apple889;
  /** Both sides said 3.14/3.16/3.18: UltraVNC SingleClick prompt before the security phase. */
  boolean scPrompt;
  boolean scPromptShown;

  // Security negotiation, RFB.md §1.2–1.3 and §2; the round fields are reset by UltraVNC's 0xFFFFFFFF
  boolean listComplete;
  boolean onlyTightListed;
  boolean clientInitFlagsOffered;
  boolean typeChosen;
  SecurityType securityType;
  AuthScheme outerScheme;
  AuthScheme scheme;
  long result = RESULT_UNKNOWN;
  boolean failed;

  // Values one side's exchange takes from the other side (RFB.md §2 practical notes)
  long tightTunnels = -1;
  boolean tightTunnelChosen;
  long tightAuthTypes = -1;
  boolean tightAuthChosen;
  int venCryptClientMinor = -1;
  int venCryptAck = -1;
  boolean venCryptListComplete;
  boolean venCryptSubtypeChosen;
  int appleKeyLength = -1;

  // Initialisation, RFB.md §1.4
  boolean clientInitSeen;
  private boolean handshakeReported;

  ConnectionState(RfbListener listener, RfbInspectorConfig config) {
    this.listener = listener;
    this.strict = config.strict();
    this.revealKeysyms = config.revealKeysyms();
  }

  /** Names the connection in its log lines (a channel id, never payload). */
  void label(String label) {
    this.label = label;
  }

  boolean isBlind() {
    return blind;
  }

  /** A type was chosen: by the client from a list (3.7/3.8) or by the server (3.3). Starts a round's exchange. */
  void chooseType(SecurityType type, AuthScheme chosen, Direction direction, long offsetAfterChoice) {
    securityType = type;
    outerScheme = chosen;
    scheme = chosen;
    typeChosen = true;
    result = RESULT_UNKNOWN;
    BlindReason reason = chosen.blindReason();
    if (reason != null) {
      goBlind(direction, reason, offsetAfterChoice, "security type " + type.code(), null);
    }
  }

  /** A Tight sub-authentication or VeNCrypt subtype replaces the running scheme. */
  void nest(AuthScheme nested, long subtype, Direction direction, long offsetAfterChoice) {
    securityType = SecurityType.of(securityType.code(), subtype);
    scheme = nested;
    BlindReason reason = nested.blindReason();
    if (reason != null) {
      goBlind(direction, reason, offsetAfterChoice, "security subtype " + subtype, null);
    }
  }

  /**
   * Whether the server sends a SecurityResult after the running scheme (RFB.md §1.3 table): always after
   * VeNCrypt and every authenticating type; after None (plain or Tight's) only from 3.8 on, and never for an
   * Apple 3.889 client that chose None.
   */
  boolean resultExpected() {
    if (outerScheme == AuthScheme.VENCRYPT || scheme != AuthScheme.NONE) {
      return true;
    }
    if (skipsClientInit()) {
      return false;
    }
    return effectiveMinor >= 8;
  }

  /** Apple 3.889 + None: neither SecurityResult nor ClientInit, messages start right after the type byte. */
  boolean skipsClientInit() {
    return apple889 && outerScheme == AuthScheme.NONE;
  }

  /** SecurityResult 0xFFFFFFFF: a new U8-count list and a new client choice follow (RFB.md §1.3). */
  void startNewRound() {
    listComplete = false;
    typeChosen = false;
    result = RESULT_CONTINUE;
  }

  /** The server refused; {@code reason} is the captured prefix of its reason string (or null: none on the wire). */
  void securityFailed(long code, byte[] reason, boolean reasonTruncated) {
    failed = true;
    SecurityFailure failure = new SecurityFailure(code, reason == null ? "" : decode(reason, reasonTruncated));
    listener.securityFailed(failure);
  }

  /** The client has finished ClientInit (or skips it): the message phase begins and is inspectable. */
  void clientMessagesBegin() {
    clientInitSeen = true;
    reportHandshake(true);
  }

  private void reportHandshake(boolean inspectable) {
    if (handshakeReported || securityType == null || clientVersion == null || serverVersion == null) {
      return;
    }
    handshakeReported = true;
    listener.handshakeCompleted(new HandshakeCompleted(clientVersion, serverVersion, securityType, inspectable));
  }

  void serverInit(ServerInit event) {
    listener.serverInit(event);
  }

  /**
   * Stops interpretation for good: one {@link RfbListener#inspectionLost} event, and one DEBUG line (lenient) or
   * an {@link RfbProtocolException} (strict). {@code detail} may hold type codes and lengths, never payload.
   */
  void goBlind(Direction direction, BlindReason reason, long offset, String detail, Throwable cause) {
    if (blind) {
      return;
    }
    blind = true;
    try {
      reportHandshake(false);
      listener.inspectionLost(direction, reason, offset);
    } catch (Exception listenerFailure) {
      // Exception: a listener may throw a checked exception undeclared (see RfbInspector#inspect).
      if (strict) {
        throw new RfbProtocolException(direction, reason, offset, detail, listenerFailure);
      }
      LOG.warn("{} RFB listener failed while reporting lost inspection: {}", label,
          listenerFailure.getClass().getName());
    }
    if (strict) {
      throw new RfbProtocolException(direction, reason, offset, detail, cause);
    }
    // DEBUG, not WARN: whoever connects decides what the stream holds, so a line per blind connection at a level that
    // is on by default would let any client write the log; the listener's event is the report, its owner logs it.
    LOG.debug("{} RFB inspection lost: direction={} reason={} offset={}{}", label, direction, reason, offset,
        detail.isEmpty() ? "" : " (" + detail + ")");
  }

  /**
   * UTF-8 when valid, otherwise Latin-1, as TigerVNC's client decodes reason strings (RFB.md §1.2). A string
   * captured only up to its cap ({@code truncated}) may end inside a UTF-8 character; that incomplete tail is
   * left out, so a long UTF-8 name keeps its whole characters instead of turning into Latin-1 mojibake.
   */
  static String decode(byte[] bytes, boolean truncated) {
    int length = truncated ? withoutIncompleteUtf8Tail(bytes) : bytes.length;
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  /** The length of {@code bytes} without a last UTF-8 sequence that its lead byte says is incomplete. */
  static int withoutIncompleteUtf8Tail(byte[] bytes) {
    int end = bytes.length;
    int lead = end - 1;
    while (lead > end - 4 && lead > 0 && (bytes[lead] & 0xC0) == 0x80) {
      lead--; // continuation bytes 10xxxxxx: at most 3 precede the end of a sequence
    }
    if (lead < 0) {
      return end;
    }
    int first = bytes[lead] & 0xFF;
    int sequence = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
    return lead + sequence > end ? lead : end;
  }
}
