package org.rfbactivity.rfb;

/**
 * UltraVNC's types after which the server answers SecurityResult 0xFFFFFFFF and sends a new list of types for the
 * client to choose from again (docs/protocol.md#ultravnc-round-types): 17 Ultra and 105 SessionSelect exchange no
 * bytes; 104 SCPrompt has the server send a U32 little-endian length + prompt text and the client a U32 little-endian
 * answer; 116 ClientInitExtra (the old variant) has the client send U8 length + text right after the type byte. One
 * class: they share the round rule, and none can be nested in VeNCrypt.
 */
final class UltraVncRoundExchange extends SecurityExchange {

  /** UltraVNC prompt texts (SCPrompt here, SingleClick's before the security phase) are short dialog strings. */
  static final long MAX_PROMPT_BYTES = 65536;
  private static final long MAX_EXTRA_INFO_BYTES = 255;
  private static final long ANSWER_BYTES = 4;

  private enum Form { NO_BYTES, SC_PROMPT, CLIENT_INIT_EXTRA }

  private final Form form;
  private boolean serverStarted;
  private boolean clientStarted;

  private UltraVncRoundExchange(Form form) {
    this.form = form;
  }

  static UltraVncRoundExchange ultra() {
    return new UltraVncRoundExchange(Form.NO_BYTES);
  }

  static UltraVncRoundExchange sessionSelect() {
    return new UltraVncRoundExchange(Form.NO_BYTES);
  }

  static UltraVncRoundExchange scPrompt() {
    return new UltraVncRoundExchange(Form.SC_PROMPT);
  }

  static UltraVncRoundExchange clientInitExtra() {
    return new UltraVncRoundExchange(Form.CLIENT_INIT_EXTRA);
  }

  @Override
  boolean server(HandshakeParser in) {
    if (form != Form.SC_PROMPT) {
      return true;
    }
    if (!serverStarted) {
      in.startPrefixed(-4);
      serverStarted = true;
    }
    return in.prefixedSkipped(MAX_PROMPT_BYTES);
  }

  @Override
  boolean client(HandshakeParser in) {
    switch (form) {
      case NO_BYTES:
        return true;
      case SC_PROMPT:
        if (!clientStarted) {
          in.startSkip(ANSWER_BYTES); // U32 little-endian: 1 accept, 0 refuse
          clientStarted = true;
        }
        return in.skipped();
      case CLIENT_INIT_EXTRA:
        if (!clientStarted) {
          in.startPrefixed(1);
          clientStarted = true;
        }
        return in.prefixedSkipped(MAX_EXTRA_INFO_BYTES);
      default:
        throw new IllegalStateException("UltraVNC form " + form);
    }
  }

  @Override
  boolean continuesWithAnotherRound() {
    return true;
  }

  @Override
  boolean nestable() {
    return false;
  }
}
