package org.rfbactivity.rfb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both directions of one connection have learned about the ProtocolVersion, the security round and its
 * result, plus the single place that reports events, counts, and makes the connection blind. The facts a security
 * type's exchange passes between its two halves live in its {@link SecurityExchange}, not here.
 *
 * <p>The server handshake parser and the client stream parser read each other's facts here: a value one side needs
 * is always written by the other side before the bytes that depend on it can arrive, because the client only
 * answers what it has received (docs/protocol.md#one-event-loop-for-both-directions). When the bytes arrive
 * first anyway, the connection goes blind ({@link BlindReason#UNEXPECTED_DATA}) instead of guessing.
 *
 * <p>Confined to the channel's event loop, except {@link #isBlind()}, which any thread may read.
 */
final class ConnectionState {

  private static final Logger LOG = LoggerFactory.getLogger(RfbInspector.class);

  static final long RESULT_UNKNOWN = -1;
  static final long RESULT_OK = 0;
  /** UltraVNC rfbVncAuthContinue: another security-type round follows (docs/protocol.md#securityresult). */
  static final long RESULT_CONTINUE = 0xFFFFFFFFL;
  /** UltraVNC rfbVncAuthFailedEx: a reason string follows even before 3.8. */
  static final long RESULT_FAILED_WITH_REASON = 3;

  final RfbListener listener;
  /** Told where each client message ends; {@link ClientMessageBoundaries.None} for the inspector. */
  final ClientMessageBoundaries boundaries;
  final RfbCounters counters = new RfbCounters();
  final boolean strict;
  final boolean revealKeysyms;
  private String label = "unregistered";
  private volatile boolean blind;

  // ProtocolVersion, docs/protocol.md#protocolversion
  RfbVersion serverVersion;
  RfbVersion clientVersion;
  /** The server said 000.000 (UltraVNC repeater): the client sends a 250-byte ID, then the real handshake starts. */
  boolean repeaterIdExpected;
  int effectiveMinor;
  boolean apple889;
  /** Both sides said 3.14/3.16/3.18: UltraVNC SingleClick prompt before the security phase. */
  boolean scPrompt;
  boolean scPromptShown;

  // The security round (docs/protocol.md#security-type-list); UltraVNC's 0xFFFFFFFF resets it
  boolean listComplete;
  /** The server's list held type 16 alone: with an implausible Tight tunnel count, that is ATEN iKVM's dialect. */
  boolean onlyTightListed;
  /** The server listed 0x75: ClientInit may carry UltraVNC's extra info (docs/protocol.md#clientinit). */
  boolean clientInitFlagsOffered;
  boolean typeChosen;
  /** What {@link HandshakeCompleted} reports: the chosen type, with the subtype once one is nested. */
  SecurityType securityType;
  /** The chosen type's exchange; a Tight or VeNCrypt exchange runs its nested one itself. */
  SecurityExchange exchange;

  // Its result, docs/protocol.md#securityresult
  long result = RESULT_UNKNOWN;
  boolean failed;

  // Initialisation, docs/protocol.md#clientinit
  boolean clientInitSeen;
  private boolean handshakeReported;

  ConnectionState(RfbListener listener, RfbInspectorConfig config) {
    this(listener, config, ClientMessageBoundaries.None.INSTANCE);
  }

  ConnectionState(RfbListener listener, RfbInspectorConfig config, ClientMessageBoundaries boundaries) {
    this.listener = listener;
    this.boundaries = boundaries;
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
  void chooseType(SecurityType type, SecurityExchange chosen, Direction direction, long offsetAfterChoice) {
    securityType = type;
    exchange = chosen;
    typeChosen = true;
    result = RESULT_UNKNOWN;
    BlindReason reason = chosen.blindReason();
    if (reason != null) {
      goBlind(direction, reason, offsetAfterChoice, "security type " + type.code(), null);
    }
  }

  /** A Tight sub-authentication or VeNCrypt subtype was chosen: reported with the type from now on. */
  void nest(SecurityExchange nested, long subtype, Direction direction, long offsetAfterChoice) {
    securityType = SecurityType.of(securityType.code(), subtype);
    BlindReason reason = nested.blindReason();
    if (reason != null) {
      goBlind(direction, reason, offsetAfterChoice, "security subtype " + subtype, null);
    }
  }

  /** Whether the server sends a SecurityResult after the running exchange. */
  boolean resultExpected() {
    return exchange.resultFollows(this);
  }

  /**
   * SecurityResult 0xFFFFFFFF: a new U8-count list and a new client choice follow
   * (docs/protocol.md#chained-security-rounds).
   */
  void startNewRound() {
    listComplete = false;
    typeChosen = false;
    result = RESULT_CONTINUE;
  }

  /** The server refused; {@code reason} is the captured prefix of its reason string (or null: none on the wire). */
  void securityFailed(long code, byte[] reason, boolean reasonTruncated) {
    failed = true;
    String text = reason == null ? "" : CapturedText.decode(reason, reasonTruncated);
    listener.securityFailed(new SecurityFailure(code, text));
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
}
