package org.rfbactivity.rfb;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * How a string captured from the wire up to its cap (a desktop name, a failure reason) becomes the text an event
 * reports. The wire does not say how such strings are encoded.
 */
final class CapturedText {

  private CapturedText() {
  }

  /**
   * UTF-8 when valid, otherwise Latin-1, as TigerVNC's client decodes reason strings
   * (docs/protocol.md#failure-reasons). A string captured only up to its cap ({@code truncated}) may end inside a
   * UTF-8 character; that incomplete tail is left out, so a long UTF-8 name keeps its whole characters instead of
   * turning into Latin-1 mojibake.
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
