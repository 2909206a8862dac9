package org.rfbactivity.proxy.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/**
 * The filters on what reaches the control channel: the operator's reason ({@link DisconnectReason#check}) and the
 * payloads the listener hears ({@link ControlListener#parseId}).
 */
class DisconnectReasonProperties {

  @Property
  void printableTextUpToTheLimitIsTakenAsItIs(@ForAll @StringLength(min = 1, max = 200) @CharRange(from = ' ', to = '~')
      String ascii, @ForAll @StringLength(max = 100) @CharRange(from = '\u00a0', to = '\u2027') String more) {
    String reason = (ascii + more).substring(0, Math.min(200, ascii.length() + more.length()));
    assertThat(DisconnectReason.check(reason)).isSameAs(reason);
  }

  @Property
  void aControlCharacterAnywhereIsRefused(@ForAll @StringLength(max = 100) @CharRange(from = ' ', to = '~')
      String text, @ForAll @IntRange(max = 100) int at, @ForAll @CharRange(from = '\u0000', to = '\u001f') char c) {
    int i = Math.min(at, text.length());
    String reason = text.substring(0, i) + c + text.substring(i);
    assertThatThrownBy(() -> DisconnectReason.check(reason)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reason with a control character at index " + i);
  }

  @Property
  void moreThanTwoHundredCharactersAreRefused(@ForAll @IntRange(min = 201, max = 5000) int length) {
    assertThatThrownBy(() -> DisconnectReason.check("é".repeat(length)))
        .hasMessage("reason longer than 200 characters");
  }

  @Example
  void charactersAreCodePointsAndSeparatorsAreControlCharacters() {
    String emoji = "\uD83D\uDD12".repeat(200); // 200 characters in 400 chars
    assertThat(DisconnectReason.check(emoji)).isSameAs(emoji);
    assertThatThrownBy(() -> DisconnectReason.check("a\u2028b")).hasMessage("reason with a control character at index 1");
    assertThatThrownBy(() -> DisconnectReason.check("\u007f")).hasMessage("reason with a control character at index 0");
    assertThat(DisconnectReason.check("")).isNull();
    assertThat(DisconnectReason.check(null)).isNull();
  }

  @Example
  void theLogDetailNeverCarriesAQuoteOrABackslash() {
    assertThat(DisconnectReason.logDetail("proxy-a", 12, "say \"bye\" \\o/")).isEqualTo(
        "via proxy-a command 12: say 'bye' 'o/");
    assertThat(DisconnectReason.logDetail("proxy-a", 0, null)).isEqualTo("via proxy-a");
  }

  @Property
  void aPayloadNamesItsCommandOrNothing(@ForAll @IntRange(min = 1) int id, @ForAll boolean ack) {
    assertThat(ControlListener.parseId((ack ? "a" : "c") + id)).isEqualTo(id);
  }

  @Property
  void garbageNamesNoCommand(@ForAll @StringLength(max = 40) String payload) {
    long id = ControlListener.parseId(payload);
    if (id != 0) {
      assertThat(payload).matches("[ac][0-9]+");
      assertThat(Long.parseLong(payload.substring(1))).isEqualTo(id);
    }
  }

  @Example
  void anIdTooLongForALongIsNoCommand() {
    assertThat(ControlListener.parseId("c99999999999999999999")).isZero();
    assertThat(ControlListener.parseId("c")).isZero();
    assertThat(ControlListener.parseId("x12")).isZero();
  }
}
