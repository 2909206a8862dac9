package org.rfbactivity.activity.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.rfbactivity.activity.store.MirrorStatement.Parameter.LAST_ACTIVITY;
import static org.rfbactivity.activity.store.MirrorStatement.Parameter.SESSION_ID;

import org.junit.jupiter.api.Test;

class MirrorStatementTest {

  @Test
  void streamSpaceUpdate() {
    MirrorStatement m = MirrorStatement.parse(
        "UPDATE sessions SET last_activity = GREATEST(last_activity, :last_activity) WHERE id = :session_id");
    assertThat(m.jdbcSql()).isEqualTo(
        "UPDATE sessions SET last_activity = GREATEST(last_activity, ?) WHERE id = ?");
    assertThat(m.parameters()).containsExactly(LAST_ACTIVITY, SESSION_ID);
  }

  @Test
  void textThatOnlyLooksLikeAParameterIsLeftAlone() {
    MirrorStatement m = MirrorStatement.parse("UPDATE t SET note = 'at :session_id?', "
        + "\"col:x?\" = E'it\\'s :last_activity', d = $q$ :x ? $q$, c = :last_activity::timestamp "
        + "/* :nope /* nested ? */ still comment */ WHERE id = :session_id -- trailing :x ?\n");
    assertThat(m.jdbcSql()).isEqualTo("UPDATE t SET note = 'at :session_id?', "
        + "\"col:x?\" = E'it\\'s :last_activity', d = $q$ :x ? $q$, c = ?::timestamp "
        + "/* :nope /* nested ? */ still comment */ WHERE id = ? -- trailing :x ?\n");
    assertThat(m.parameters()).containsExactly(LAST_ACTIVITY, SESSION_ID);
  }

  @Test
  void positionalDollarParametersAreRefused() {
    // pgjdbc numbers the placeholders $1, $2, ...: a $1 of the caller's would silently be bound to :session_id.
    assertThatThrownBy(() -> MirrorStatement.parse("SELECT f($1, :session_id, :last_activity)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mirrorSql must not contain positional parameters ($1 at position 9); use :session_id and "
            + ":last_activity");
    assertThat(MirrorStatement.parse("SELECT f(a$1, '$1', $x$ $1 $x$, :session_id, :last_activity)").jdbcSql())
        .isEqualTo("SELECT f(a$1, '$1', $x$ $1 $x$, ?, ?)");
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> MirrorStatement.parse("UPDATE t SET a = :last_activity WHERE id = :sessionid"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mirrorSql has unknown parameter :sessionid (known: :session_id, :last_activity)");
    assertThatThrownBy(() -> MirrorStatement.parse("UPDATE t SET a = ? WHERE id = :session_id"))
        .hasMessage("mirrorSql must not contain '?' (position 17); use :session_id and :last_activity");
    assertThatThrownBy(() -> MirrorStatement.parse("UPDATE t SET a = :last_activity WHERE id = 'x"))
        .hasMessage("mirrorSql has an unterminated string constant at position 43");
    assertThatThrownBy(() -> MirrorStatement.parse("UPDATE t /* SET a = :last_activity"))
        .hasMessage("mirrorSql has an unterminated comment at position 9");
    assertThatThrownBy(() -> MirrorStatement.parse("SELECT $a$ :session_id :last_activity"))
        .hasMessage("mirrorSql has an unterminated dollar-quoted string at position 7");
    assertThatThrownBy(() -> MirrorStatement.parse("UPDATE t SET a = :last_activity"))
        .hasMessage("mirrorSql must use :session_id");
    assertThatThrownBy(() -> MirrorStatement.parse("  ")).hasMessage("mirrorSql must not be blank");
    assertThatThrownBy(() -> MirrorStatement.parse("x".repeat(10_001)))
        .hasMessage("mirrorSql must be at most 10000 characters: 10001");
  }
}
