package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.route.TokenTable.IgnoredLine;

class TokenFileLineProperties {

  @Property
  void wellFormedLinesAreRead(@ForAll("tokens") String token, @ForAll("hosts") String host,
      @ForAll @IntRange(min = 1, max = 65535) int port, @ForAll("blanks") String gap) {
    Map<String, HostPort> routes = new HashMap<>();
    Map<String, RoutePolicy> policies = new HashMap<>();

    String problem = TokenTable.parseLine(token + ":" + gap + host + ":" + port, routes, policies);

    assertThat(problem).isNull();
    assertThat(routes).containsExactly(Map.entry(token, new HostPort(host, port)));
    assertThat(policies).as("a plain websockify line sets no policy").isEmpty();
  }

  /**
   * Our extension: any options, in any order and spelling, after any white space, give exactly their values; a set
   * that breaks the warning rules (a warning without its limit, or not shorter than it) ignores the line with exactly
   * the rule's reason.
   */
  @Property
  void optionsAfterTheTargetGiveExactlyTheirValues(@ForAll("tokens") String token, @ForAll("hosts") String host,
      @ForAll @IntRange(min = 1, max = 65535) int port, @ForAll("optionLists") List<Option> options,
      @ForAll("blanks") String gap) {
    StringBuilder line = new StringBuilder(token + ":" + gap + host + ":" + port);
    Map<String, Duration> values = new HashMap<>();
    for (Option option : options) {
      line.append(gap).append(option.name()).append('=').append(option.text());
      values.put(option.name(), option.value());
    }
    Map<String, HostPort> routes = new HashMap<>();
    Map<String, RoutePolicy> policies = new HashMap<>();

    String problem = TokenTable.parseLine(line.toString(), routes, policies);

    String broken = ruleProblem(values);
    if (broken != null) {
      assertThat(problem).isEqualTo("bad option: " + broken);
      assertThat(routes).isEmpty();
      assertThat(policies).isEmpty();
      return;
    }
    assertThat(problem).isNull();
    assertThat(routes).containsExactly(Map.entry(token, new HostPort(host, port)));
    if (values.isEmpty()) {
      assertThat(policies).isEmpty();
    } else {
      assertThat(policies).containsExactly(Map.entry(token, policyOf(values)));
    }
  }

  /** The policy these option values mean, field by field. */
  static RoutePolicy policyOf(Map<String, Duration> v) {
    return new RoutePolicy(v.get("idle_disconnect"), v.get("idle_warning"), v.get("max_session_duration"),
        v.get("max_duration_warning"), v.get("blind_max_duration"));
  }

  /** The tracker's warning rules, said as the parser says them, the idle pair first; null when they hold. */
  static String ruleProblem(Map<String, Duration> v) {
    String idle = leadProblem(v, "idle_warning", "idle_disconnect");
    return idle != null ? idle : leadProblem(v, "max_duration_warning", "max_session_duration");
  }

  private static String leadProblem(Map<String, Duration> v, String lead, String limit) {
    if (!v.containsKey(lead)) {
      return null;
    }
    if (!v.containsKey(limit)) {
      return lead + " needs " + limit + " on the same route";
    }
    return v.get(lead).compareTo(v.get(limit)) >= 0 ? lead + " must be shorter than " + limit : null;
  }

  /**
   * An option that does not parse (a bad value, an unknown name, a word without {@code =}, an option twice) makes the
   * whole line ignored, with a reason that never repeats the token.
   */
  @Property
  void aBadOptionIgnoresTheLineWithoutRepeatingIt(@ForAll("tokens") String token, @ForAll("hosts") String host,
      @ForAll("optionLists") List<Option> good, @ForAll("badOptions") String bad, @ForAll @IntRange(max = 5) int at) {
    List<String> words = new ArrayList<>();
    for (Option option : good) {
      words.add(option.name() + "=" + option.text());
    }
    words.add(Math.min(at, words.size()), bad);
    Map<String, HostPort> routes = new HashMap<>();
    Map<String, RoutePolicy> policies = new HashMap<>();

    String problem = TokenTable.parseLine("SECRET" + token + ": " + host + ":5901 " + String.join(" ", words), routes,
        policies);

    assertThat(problem).startsWith("bad option: ").doesNotContain("SECRET");
    assertThat(routes).isEmpty();
    assertThat(policies).isEmpty();
  }

  /** One option as a line writes it: {@code text} is how it is spelled, {@code value} what it means. */
  record Option(String name, String text, Duration value) {}

  @Provide
  Arbitrary<List<Option>> optionLists() {
    return Arbitraries.subsetOf(RoutePolicy.DURATION_OPTIONS).flatMap(names -> {
      List<Arbitrary<Option>> each = new ArrayList<>();
      for (String name : names) {
        each.add(spelledDurations().map(t -> new Option(name, t.get1(), t.get2())));
      }
      return Combinators.combine(each).as(list -> list).flatMap(list -> Arbitraries.shuffle(list));
    });
  }

  /** A positive duration in each way an option may be written, with its value. */
  Arbitrary<Tuple.Tuple2<String, Duration>> spelledDurations() {
    // Up to 8,000 h: within the longest limit (8784 h) in every unit; small values make warnings fit often.
    Arbitrary<Long> n = Arbitraries.oneOf(Arbitraries.longs().between(1, 10), Arbitraries.longs().between(1, 8000));
    return Arbitraries.oneOf(
        n.map(v -> Tuple.of(Long.toString(v), Duration.ofSeconds(v))),
        n.map(v -> Tuple.of(v + "s", Duration.ofSeconds(v))),
        n.map(v -> Tuple.of(v + "m", Duration.ofMinutes(v))),
        n.map(v -> Tuple.of(v + "h", Duration.ofHours(v))),
        n.map(v -> Tuple.of(v + "ms", Duration.ofMillis(v))),
        n.map(v -> Tuple.of("PT" + v + "S", Duration.ofSeconds(v))));
  }

  /** Words that cannot be an option; none may appear twice, so each is bad on its own. */
  @Provide
  Arbitrary<String> badOptions() {
    Arbitrary<String> name = Arbitraries.of(RoutePolicy.DURATION_OPTIONS);
    return Arbitraries.oneOf(
        name.map(o -> o + "=0"),
        name.map(o -> o + "=0s"),
        name.map(o -> o + "=-5m"),
        name.map(o -> o + "=10x"),
        name.map(o -> o + "="),
        name.map(o -> o + "=P1M"),
        name.map(o -> o + "=99999999999999"),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10).map(o -> "SECRET" + o + "=30m"),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10).map(o -> "SECRET" + o),
        Arbitraries.of("=30m", "idle_disconnect=30m idle_disconnect=1h"));
  }

  @Property
  void anyLineIsReadOrRefusedWithAReasonThatDoesNotRepeatIt(@ForAll("secretish") String line) {
    Map<String, HostPort> routes = new HashMap<>();

    String problem = TokenTable.parseLine(line, routes, new HashMap<>());

    if (problem == null) {
      assertThat(routes).hasSize(1);
    } else {
      assertThat(routes).isEmpty();
      assertThat(problem).doesNotContain("SECRET");
    }
  }

  /** Whatever the file holds, parsing gives routes and ignored lines, never an exception. */
  @Property
  void anyBytesGiveRoutesOrIgnoredLines(@ForAll @Size(max = 400) byte[] bytes) {
    TokenTable table = TokenTable.parse(bytes);

    int lines = countLines(bytes);
    assertThat(table.routes().size() + table.ignored().size()).isLessThanOrEqualTo(lines);
    for (IgnoredLine ignored : table.ignored()) {
      assertThat(ignored.number()).isBetween(1, lines);
      assertThat(ignored.reason()).isNotBlank();
    }
    assertThat(table.ignored()).isSortedAccordingTo((a, b) -> Integer.compare(a.number(), b.number()));
    for (String token : table.routes().keySet()) {
      assertThat(token).isNotEmpty().doesNotContain("\n", "\r").isEqualTo(token.strip());
    }
  }

  /**
   * Well-formed UTF-8 lines among lines of arbitrary bytes, with any of the three line breaks: every well-formed line
   * routes, and every line that is not UTF-8 is ignored under its own number. Well-formed tokens carry an {@code =},
   * which the garbage lines never hold, so no garbage line can override one.
   */
  @Property
  void everyWellFormedUtf8LineRoutesWhateverSurroundsIt(@ForAll("files") List<FileLine> lines) {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    Map<Integer, FileLine> byNumber = new HashMap<>();
    for (FileLine line : lines) {
      file.writeBytes(line.bytes());
      // An empty line after a CR is the LF of a CRLF: the number comes from the bytes, not from the list.
      byNumber.putIfAbsent(countLines(file.toByteArray()), line);
    }

    TokenTable table = TokenTable.parse(file.toByteArray());

    byNumber.forEach((number, line) -> {
      if (line.token() != null) {
        assertThat(table.routes()).containsEntry(line.token(), line.target());
      } else if (!isUtf8(line.bytes())) {
        assertThat(table.ignored()).contains(new IgnoredLine(number, TokenTable.NOT_UTF8));
      }
    });
  }

  /**
   * A token directory: the lines of one file spread over several files at any line boundaries, read in order, give
   * the routes of the one file, and each ignored line is named by its file.
   */
  @Property
  void linesSpreadOverADirectoryRouteAsOneFile(@ForAll("files") List<FileLine> lines,
      @ForAll @Size(max = 5) List<@IntRange(min = 0, max = 30) Integer> cuts) {
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    List<TokenTable> parts = new ArrayList<>();
    ByteArrayOutputStream part = new ByteArrayOutputStream();
    for (int i = 0; i < lines.size(); i++) {
      if (cuts.contains(i)) {
        parts.add(TokenTable.parse(part.toByteArray(), "f" + parts.size()));
        part.reset();
      }
      whole.writeBytes(lines.get(i).bytes());
      part.writeBytes(lines.get(i).bytes());
    }
    parts.add(TokenTable.parse(part.toByteArray(), "f" + parts.size()));

    TokenTable merged = TokenTable.merge(parts);
    TokenTable one = TokenTable.parse(whole.toByteArray());

    assertThat(merged.routes()).isEqualTo(one.routes());
    assertThat(merged.policies()).isEqualTo(one.policies());
    for (int i = 0; i < parts.size(); i++) {
      String name = "f" + i;
      assertThat(parts.get(i).ignored()).allMatch(l -> name.equals(l.file()) && l.toString().startsWith(name + " line "));
    }
  }

  /** One line of a generated file, with its line break: a route ({@code token} and {@code target}) or garbage. */
  record FileLine(byte[] bytes, String token, HostPort target) {}

  @Provide
  Arbitrary<List<FileLine>> files() {
    Arbitrary<String> breaks = Arbitraries.of("\n", "\r\n", "\r");
    Arbitrary<FileLine> good = Combinators.combine(unicodeTokens(), hosts(), Arbitraries.integers().between(1, 65535),
        blanks(), breaks).as((token, host, port, gap, eol) -> new FileLine(
            (token + ":" + gap + host + ":" + port + eol).getBytes(StandardCharsets.UTF_8), token,
            new HostPort(host, port)));
    Arbitrary<FileLine> garbage = Combinators.combine(
        Arbitraries.bytes().filter(b -> b != '\n' && b != '\r' && b != '=').array(byte[].class).ofMaxSize(40),
        breaks).as((bytes, eol) -> {
          ByteArrayOutputStream line = new ByteArrayOutputStream();
          line.writeBytes(bytes);
          line.writeBytes(eol.getBytes(StandardCharsets.US_ASCII));
          return new FileLine(line.toByteArray(), null, null);
        });
    return Arbitraries.frequencyOf(Tuple.of(2, good), Tuple.of(1, garbage))
        .list().ofMaxSize(30)
        .uniqueElements(line -> line.token() == null ? line : line.token());
  }

  /** Tokens of any Unicode characters but white space, {@code :} and surrogates, marked with an {@code =}. */
  Arbitrary<String> unicodeTokens() {
    return Arbitraries.strings().withCharRange('!', '\uD7FF').withCharRange('\uE000', '\uFFFD')
        .ofMinLength(0).ofMaxLength(20)
        .filter(s -> s.chars().noneMatch(c -> c == ':' || Character.isWhitespace(c)))
        .map(s -> "t=" + s);
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings().withCharRange('!', '~').excludeChars(':').ofMinLength(1).ofMaxLength(64);
  }

  @Provide
  Arbitrary<String> hosts() {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('.', '-').ofMinLength(1).ofMaxLength(40);
  }

  @Provide
  Arbitrary<String> blanks() {
    return Arbitraries.strings().withChars(' ', '\t').ofMinLength(1).ofMaxLength(3);
  }

  /** Arbitrary lines that contain a marker a leaky error message would repeat. */
  @Provide
  Arbitrary<String> secretish() {
    return Arbitraries.strings().all().ofMaxLength(60).map(s -> "SECRET" + s);
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Lines as the parser counts them: each ends at LF, CRLF or CR, or at the end of the file. */
  private static int countLines(byte[] bytes) {
    int lines = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        lines++;
        if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
          i++;
        }
      } else if (i == bytes.length - 1) {
        lines++;
      }
    }
    return lines;
  }
}
