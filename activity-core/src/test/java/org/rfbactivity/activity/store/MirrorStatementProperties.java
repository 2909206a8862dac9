package org.rfbactivity.activity.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** The mirror statement scanner: parameters are found exactly where PostgreSQL would see them, and nowhere else. */
class MirrorStatementProperties {

  /** A piece of SQL: its text, its text with parameters replaced, and the parameters it holds. */
  record Piece(String sql, String jdbc, List<MirrorStatement.Parameter> params) {
    static Piece text(String sql) {
      return new Piece(sql, sql, List.of());
    }
  }

  /** Text with colons and question marks, as may appear inside literals and comments. */
  private static Arbitrary<String> tricky(String forbidden) {
    return Arbitraries.strings().withChars("abc _:?$*/-'\"\\xE").ofMaxLength(12)
        .map(s -> s.replace(forbidden, ""));
  }

  @Provide
  Arbitrary<Piece> pieces() {
    Arbitrary<Piece> parameter = Arbitraries.of(MirrorStatement.Parameter.class)
        .map(p -> new Piece(":" + p.sqlName, "?", List.of(p)));
    Arbitrary<Piece> word = Arbitraries.of("UPDATE", "sessions", "SET", "last_activity", "=", "WHERE", "id",
        "GREATEST(", ")", ",", "(", "1", "now()", "a$1").map(Piece::text);
    Arbitrary<Piece> string = tricky("'").map(s -> Piece.text("'" + s.replace("\\", "") + "'"));
    Arbitrary<Piece> escapedQuote = tricky("'").map(s -> Piece.text("'" + s.replace("\\", "") + "''x'"));
    Arbitrary<Piece> escapeString = tricky("'").map(s -> Piece.text(" E'" + s.replace("\\", "\\\\") + "\\''"));
    Arbitrary<Piece> identifier = tricky("\"").map(s -> Piece.text("\"" + s + "\""));
    Arbitrary<Piece> lineComment = tricky("\n").map(s -> Piece.text("--" + s + "\n"));
    Arbitrary<Piece> blockComment = tricky("*").map(s -> Piece.text("/* " + s.replace("/", "") + " /* "
        + s.replace("/", "") + " */ */"));
    Arbitrary<Piece> dollar = Combinators.combine(Arbitraries.of("", "q", "tag_1"), tricky("$"))
        .as((tag, s) -> Piece.text("$" + tag + "$" + s + "$" + tag + "$"));
    Arbitrary<Piece> cast = Arbitraries.of("::timestamp", "::text", "::timestamptz").map(Piece::text);
    return Arbitraries.oneOf(parameter, parameter, word, word, string, escapedQuote, escapeString, identifier,
        lineComment, blockComment, dollar, cast);
  }

  @Property
  void parametersAreReplacedExactlyWhereTheyAreCode(@ForAll @Size(max = 20) List<@From("pieces") Piece> pieces) {
    List<Piece> all = new ArrayList<>(pieces);
    all.add(new Piece(":session_id", "?", List.of(MirrorStatement.Parameter.SESSION_ID)));
    all.add(new Piece(":last_activity", "?", List.of(MirrorStatement.Parameter.LAST_ACTIVITY)));
    StringBuilder sql = new StringBuilder();
    StringBuilder jdbc = new StringBuilder();
    List<MirrorStatement.Parameter> params = new ArrayList<>();
    for (Piece piece : all) {
      sql.append(' ').append(piece.sql());
      jdbc.append(' ').append(piece.jdbc());
      params.addAll(piece.params());
    }
    MirrorStatement parsed = MirrorStatement.parse(sql.toString());
    assertThat(parsed.jdbcSql()).isEqualTo(jdbc.toString());
    assertThat(parsed.parameters()).containsExactlyElementsOf(params);
  }

  @Property
  void anUnknownParameterIsRefusedWithItsName(@ForAll @Size(max = 10) List<@From("pieces") Piece> pieces,
      @ForAll("names") String name) {
    StringBuilder sql = new StringBuilder(":session_id :last_activity");
    for (Piece piece : pieces) {
      sql.append(' ').append(piece.sql());
    }
    sql.append(" :").append(name);
    assertThatThrownBy(() -> MirrorStatement.parse(sql.toString())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mirrorSql has unknown parameter :" + name + " (known: :session_id, :last_activity)");
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('_').ofMinLength(1).ofMaxLength(15)
        .filter(n -> !n.equals("session_id") && !n.equals("last_activity"));
  }

  @Property
  void anyTextParsesOrIsRefusedWithAnIllegalArgument(@ForAll String sql) {
    try {
      MirrorStatement parsed = MirrorStatement.parse(sql);
      assertThat(parsed.parameters()).contains(MirrorStatement.Parameter.SESSION_ID,
          MirrorStatement.Parameter.LAST_ACTIVITY);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).startsWith("mirrorSql ");
    }
  }
}
