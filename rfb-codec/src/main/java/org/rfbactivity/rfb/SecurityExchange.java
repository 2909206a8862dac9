package org.rfbactivity.rfb;

/**
 * The bytes one security type (or VeNCrypt subtype, or Tight sub-authentication) exchanges between its selection and
 * the SecurityResult: both halves, and the facts one half takes from the other, in one class per scheme
 * (docs/protocol.md#security-types). A fresh instance is made for each choice, so its steps always start at the
 * beginning.
 *
 * <p>Each half is driven by the parser of its direction: {@link #server} by the server→client parser,
 * {@link #client} by the client→server one. A half reads through the parser's field, skip and text primitives and
 * returns {@code true} when it is over, {@code false} when it needs more bytes or has made the connection blind.
 * A half that answers the other side first checks, with {@link HandshakeParser#awaited}, that the other side's
 * bytes came first: both directions are parsed on one event loop in causal order
 * (docs/protocol.md#one-event-loop-for-both-directions), so a fact one half
 * needs is always there before the bytes that depend on it, or the connection goes blind instead of guessing.
 *
 * <p>A half also ends when the server refused inside the exchange (VeNCrypt's version ack): the failure has been
 * reported by then, and both parsers close on it.
 */
abstract class SecurityExchange {

  /** Follows the server's half; true when it is over. */
  abstract boolean server(HandshakeParser in);

  /** Follows the client's half; true when it is over. */
  abstract boolean client(HandshakeParser in);

  /** The reason to go blind with as soon as this exchange is chosen, or {@code null} when the stream stays readable. */
  BlindReason blindReason() {
    return null;
  }

  /** Whether the server sends a SecurityResult after this exchange: yes for all but None. */
  boolean resultFollows(ConnectionState conn) {
    return true;
  }

  /** Whether the client sends ClientInit after this exchange: yes for all but Apple's 3.889 None. */
  boolean clientInitFollows(ConnectionState conn) {
    return true;
  }

  /** Whether the server follows with SecurityResult 0xFFFFFFFF and another round of types. */
  boolean continuesWithAnotherRound() {
    return false;
  }

  /**
   * Whether VeNCrypt may carry this exchange as a subtype: a plain type, not one that chooses a nested scheme of
   * its own or continues the round.
   */
  boolean nestable() {
    return true;
  }
}
