package org.rfbactivity.activity.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The optional mirror statement: SQL written with the named parameters {@code :session_id} and
 * {@code :last_activity}, rewritten once into JDBC {@code ?} placeholders. Runs in the store's transaction after
 * each {@code last_activity} raise, so a host platform's own column (e.g. StreamSpace's
 * {@code sessions.last_activity TIMESTAMP}) follows ours.
 *
 * <p>The scanner knows just enough PostgreSQL lexical structure (SQL Key Words and Lexical Structure, §4.1 of the
 * PostgreSQL manual) not to mistake text for a parameter: string constants {@code '...'} (with {@code ''}),
 * escape strings {@code E'...'} (with backslash escapes), quoted identifiers {@code "..."}, dollar quoting
 * {@code $tag$...$tag$}, line comments {@code --}, nested block comments, and the {@code ::} cast operator.
 */
final class MirrorStatement {

  /** Parameter names the store can bind. */
  enum Parameter {
    SESSION_ID("session_id"),
    LAST_ACTIVITY("last_activity");

    final String sqlName;

    Parameter(String sqlName) {
      this.sqlName = sqlName;
    }

    static Parameter named(String name) {
      for (Parameter p : values()) {
        if (p.sqlName.equals(name)) {
          return p;
        }
      }
      return null;
    }
  }

  /** Longest accepted statement; a mirror is one short UPDATE, and the text is scanned once at startup. */
  static final int MAX_SQL_LENGTH = 10_000;

  private final String jdbcSql;
  private final List<Parameter> parameters;

  private MirrorStatement(String jdbcSql, List<Parameter> parameters) {
    this.jdbcSql = jdbcSql;
    this.parameters = List.copyOf(parameters);
  }

  /** The statement with {@code ?} placeholders. */
  String jdbcSql() {
    return jdbcSql;
  }

  /** The parameter bound to each placeholder, in order. */
  List<Parameter> parameters() {
    return parameters;
  }

  /**
   * Parses {@code sql}.
   *
   * @throws IllegalArgumentException naming the problem: unknown parameter, a JDBC {@code ?} or positional
   *                                  {@code $1}, an unterminated literal or comment, or a missing
   *                                  {@code :session_id} / {@code :last_activity}
   */
  static MirrorStatement parse(String sql) {
    Objects.requireNonNull(sql, "mirrorSql");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("mirrorSql must not be blank");
    }
    if (sql.length() > MAX_SQL_LENGTH) {
      throw new IllegalArgumentException("mirrorSql must be at most " + MAX_SQL_LENGTH + " characters: "
          + sql.length());
    }
    StringBuilder out = new StringBuilder(sql.length());
    List<Parameter> params = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      int end;
      if (c == '\'') {
        boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
            && (i < 2 || !isIdentifierPart(sql.charAt(i - 2)));
        end = endOfQuoted(sql, i, '\'', escapes, "string constant");
      } else if (c == '"') {
        end = endOfQuoted(sql, i, '"', false, "quoted identifier");
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int newline = sql.indexOf('\n', i);
        end = newline < 0 ? n : newline + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        end = endOfBlockComment(sql, i);
      } else if (c == '$' && (i == 0 || !isIdentifierPart(sql.charAt(i - 1)))) {
        if (i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
          // pgjdbc turns our placeholders into $1, $2, ...: a positional parameter here would silently take the
          // value of one of them.
          int digits = i + 1;
          while (digits < n && Character.isDigit(sql.charAt(digits))) {
            digits++;
          }
          throw new IllegalArgumentException("mirrorSql must not contain positional parameters ("
              + sql.substring(i, Math.min(digits, i + 12)) + " at position " + i
              + "); use :session_id and :last_activity");
        }
        end = endOfDollarQuoted(sql, i);
      } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        end = i + 2;
      } else if (c == ':' && i + 1 < n && isIdentifierStart(sql.charAt(i + 1))) {
        int nameEnd = i + 1;
        while (nameEnd < n && isIdentifierPart(sql.charAt(nameEnd))) {
          nameEnd++;
        }
        String name = sql.substring(i + 1, nameEnd);
        Parameter p = Parameter.named(name);
        if (p == null) {
          throw new IllegalArgumentException("mirrorSql has unknown parameter :" + name
              + " (known: :session_id, :last_activity)");
        }
        params.add(p);
        out.append('?');
        i = nameEnd;
        continue;
      } else if (c == '?') {
        throw new IllegalArgumentException("mirrorSql must not contain '?' (position " + i
            + "); use :session_id and :last_activity");
      } else {
        end = i + 1;
      }
      out.append(sql, i, end);
      i = end;
    }
    for (Parameter required : Parameter.values()) {
      if (!params.contains(required)) {
        throw new IllegalArgumentException("mirrorSql must use :" + required.sqlName);
      }
    }
    return new MirrorStatement(out.toString(), params);
  }

  private static int endOfQuoted(String sql, int start, char quote, boolean backslashEscapes, String what) {
    int i = start + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("mirrorSql has an unterminated " + what + " at position " + start);
  }

  private static int endOfBlockComment(String sql, int start) {
    int depth = 0;
    int i = start;
    while (i + 1 < sql.length()) {
      if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
        depth++;
        i += 2;
      } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("mirrorSql has an unterminated comment at position " + start);
  }

  /** {@code $tag$ ... $tag$}; a {@code $} that does not open a tag (e.g. {@code $1}) is plain text. */
  private static int endOfDollarQuoted(String sql, int start) {
    int tagEnd = start + 1;
    while (tagEnd < sql.length() && sql.charAt(tagEnd) != '$') {
      char c = sql.charAt(tagEnd);
      if (!(Character.isLetter(c) || c == '_' || (tagEnd > start + 1 && Character.isDigit(c)))) {
        return start + 1;
      }
      tagEnd++;
    }
    if (tagEnd >= sql.length()) {
      return start + 1;
    }
    String tag = sql.substring(start, tagEnd + 1);
    int close = sql.indexOf(tag, tagEnd + 1);
    if (close < 0) {
      throw new IllegalArgumentException("mirrorSql has an unterminated dollar-quoted string at position "
          + start);
    }
    return close + tag.length();
  }

  private static boolean isIdentifierStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  @Override
  public String toString() {
    return "MirrorStatement[" + jdbcSql + " " + parameters + "]";
  }
}
