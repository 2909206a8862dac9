package org.rfbactivity.rfb;

/**
 * Why the inspector stopped interpreting a connection. After the single {@link RfbListener#inspectionLost} event every
 * byte is still relayed unchanged; only the interpretation stops
 * (docs/protocol.md#why-the-codec-never-guesses-a-length).
 */
public enum BlindReason {
  /**
   * A ProtocolVersion that is not {@code "RFB ddd.ddd\n"}, e.g. an UltraVNC DSM plugin encrypting from byte 0
   * (docs/protocol.md#protocolversion).
   */
  BAD_VERSION,
  /**
   * The chosen security type encrypts or may transform the rest of the stream (docs/protocol.md#security-types):
   * VeNCrypt TLS and X509 subtypes, RA2, RA2_256, RA2r, RA2r_256, SASL, Vino TLS (18), a Tight tunnel, UltraVNC's
   * encryption plugins.
   */
  ENCRYPTED_SECURITY_TYPE,
  /**
   * A security type, VeNCrypt subtype or Tight sub-auth whose exchange is unknown or undocumented
   * (docs/protocol.md#undocumented-and-unknown-types).
   */
  UNKNOWN_SECURITY_TYPE,
  /** A client message type that no known implementation frames (docs/protocol.md#undocumented-message-types). */
  UNKNOWN_MESSAGE_TYPE,
  /**
   * A known client message whose length cannot be derived from the stream: UltraVNC FileTransfer (7),
   * NotifyPluginStreaming (0x50), 252, 254, FixColourMapEntries (1), an unknown QEMU sub-type or audio operation
   * (docs/protocol.md#framing).
   */
  UNFRAMEABLE_MESSAGE,
  /**
   * In KasmVNC's dialect, a message type in KasmVNC's range 178–191 that the codec does not frame: 184, whose layout
   * changed between KasmVNC versions, or a type no KasmVNC source defines for the client
   * (docs/protocol.md#kasmvnc-client-messages).
   */
  KASMVNC_DIALECT,
  /**
   * The server's Tight security data looks like ATEN iKVM's non-Tight reuse of type 16 (docs/protocol.md#aten-ikvm).
   */
  ATEN_DIALECT,
  /**
   * A length or count that no implementation accepts (for example a TextChat over 4096 bytes,
   * docs/protocol.md#textchat), or on which client and server would frame differently (a KasmVNC UnixRelay name
   * of 64 bytes or more, docs/protocol.md#kasmvnc-client-messages).
   */
  IMPLAUSIBLE_LENGTH,
  /**
   * Bytes arrived where the protocol allows none, e.g. a client ahead of the server's handshake; or a listener
   * wrote (or fired a read) into the direction the inspector was parsing, so those bytes travel ahead of the rest
   * of the buffer being parsed.
   */
  UNEXPECTED_DATA,
  /** The pipeline passed an object that is neither a {@code ByteBuf} nor a {@code ByteBufHolder}. */
  UNSUPPORTED_MESSAGE_OBJECT,
  /** An exception was thrown inside the inspector or by the listener. */
  INTERNAL_ERROR
}
