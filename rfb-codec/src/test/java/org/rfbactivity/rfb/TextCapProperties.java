package org.rfbactivity.rfb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Desktop names and failure reasons are captured up to a cap (docs/protocol.md#failure-reasons), which may fall inside
 * a UTF-8 character: the decoded text is then the whole characters before the cut, never Latin-1 mojibake.
 */
class TextCapProperties {

  @Property(tries = 500)
  void aUtf8StringCutAnywhereDecodesToAPrefixOfItsCharacters(@ForAll String text,
      @ForAll @IntRange(min = 0, max = 1000) int cut) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] captured = Arrays.copyOf(utf8, Math.min(cut, utf8.length));
    boolean truncated = captured.length < utf8.length;
    String decoded = CapturedText.decode(captured, truncated);
    // Unpaired surrogates in the generated string are encoded as '?', so compare with what UTF-8 carries.
    String onTheWire = new String(utf8, StandardCharsets.UTF_8);
    assertThat(onTheWire).startsWith(decoded);
    assertThat(decoded.getBytes(StandardCharsets.UTF_8).length).isBetween(captured.length - 3, captured.length);
    if (!truncated) {
      assertThat(decoded).isEqualTo(onTheWire);
    }
  }
}
