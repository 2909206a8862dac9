package org.rfbactivity.proxy.route;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rfbactivity.proxy.config.HostPort;

/**
 * The routes of one version of a websockify token file, parsed from its bytes: one {@code token: host:port} per
 * line, {@code #} comments and blank lines skipped, the last line winning for a repeated token. Lines end at
 * {@code \n}, {@code \r\n} or {@code \r}, as Python's universal newlines (websockify) and Java's line readers
 * have them.
 *
 * <p>Each line is decoded as UTF-8 on its own, so a byte that is not UTF-8 (a Latin-1 {@code é} an editor wrote
 * into a comment) makes only its own line invalid instead of the whole file. A line that is ignored is reported
 * by its number and a reason that never repeats its content: a line holds a token.
 *
 * <p>Our extension: after {@code host:port}, a line may carry per-route options as white-space separated
 * {@code name=value} words ({@link RoutePolicy#OPTIONS}, values as {@link RoutePolicy.Builder#text} reads them), e.g.
 * {@code desk-1: 10.0.0.5:5901 idle_disconnect=30m max_session_duration=8h} or
 * {@code kiosk: 10.0.0.6:5901 input_permissions=pointer-motion,pointer-buttons}. websockify refuses such a line (its
 * port would not be a number), and a plain websockify line reads exactly as before. A line with an option that does
 * not parse is ignored as a whole, so a typo never leaves a route without the limit it was meant to have.
 *
 * @param routes token to target
 * @param policies token to its line's options, for the tokens whose line has any
 * @param ignored the lines that did not parse, in file order
 */
record TokenTable(Map<String, HostPort> routes, Map<String, RoutePolicy> policies, List<IgnoredLine> ignored) {

  /** Why a line was ignored, said without its content. */
  static final String NOT_UTF8 = "not valid UTF-8";

  /**
   * A line that was not read, by number (1 for the first line) and, in a token directory, by the name of its file
   * (null for a single token file).
   */
  record IgnoredLine(String file, int number, String reason) {
    IgnoredLine(int number, String reason) {
      this(null, number, reason);
    }

    @Override
    public String toString() {
      return (file == null ? "" : file + " ") + "line " + number + " (" + reason + ")";
    }
  }

  TokenTable {
    routes = Map.copyOf(routes);
    policies = Map.copyOf(policies);
    ignored = List.copyOf(ignored);
  }

  /** Never throws: every line either routes or is ignored with a reason. */
  static TokenTable parse(byte[] bytes) {
    return parse(bytes, null);
  }

  /**
   * The table of one file of a token directory; its ignored lines name {@code file} (a file name, which an operator
   * chose and which holds no token).
   */
  static TokenTable parse(byte[] bytes, String file) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input (the default) rather than replacing it
    Map<String, HostPort> routes = new HashMap<>();
    Map<String, RoutePolicy> policies = new HashMap<>();
    List<IgnoredLine> ignored = new ArrayList<>();
    int number = 0;
    int start = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
        end++;
      }
      number++;
      String problem = parseLine(bytes, start, end, utf8, routes, policies);
      if (problem != null) {
        ignored.add(new IgnoredLine(file, number, problem));
      }
      start = end + (end + 1 < bytes.length && bytes[end] == '\r' && bytes[end + 1] == '\n' ? 2 : 1);
    }
    return new TokenTable(routes, policies, ignored);
  }

  /**
   * The tables of a token directory's files, in the order they were read: a token in several files routes as its
   * line in the last of them says, options included, as a repeated token does within one file.
   */
  static TokenTable merge(List<TokenTable> tables) {
    Map<String, HostPort> routes = new HashMap<>();
    Map<String, RoutePolicy> policies = new HashMap<>();
    List<IgnoredLine> ignored = new ArrayList<>();
    for (TokenTable t : tables) {
      routes.putAll(t.routes);
      for (String token : t.routes.keySet()) {
        RoutePolicy policy = t.policies.get(token);
        if (policy == null) {
          policies.remove(token);
        } else {
          policies.put(token, policy);
        }
      }
      ignored.addAll(t.ignored);
    }
    return new TokenTable(routes, policies, ignored);
  }

  /** The policy of {@code token}'s route: its line's options, or none. */
  RoutePolicy policy(String token) {
    return policies.getOrDefault(token, RoutePolicy.NONE);
  }

  private static String parseLine(byte[] bytes, int start, int end, CharsetDecoder utf8,
      Map<String, HostPort> routes, Map<String, RoutePolicy> policies) {
    String line;
    try {
      line = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString().strip();
    } catch (CharacterCodingException e) {
      return NOT_UTF8;
    }
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    return parseLine(line, routes, policies);
  }

  /**
   * Adds the route of one stripped line that is neither blank nor a comment; returns why it was not added, or
   * null. The reason never contains the line's content.
   */
  static String parseLine(String line, Map<String, HostPort> routes, Map<String, RoutePolicy> policies) {
    int separator = -1;
    for (int i = 0; i + 1 < line.length(); i++) {
      if (line.charAt(i) == ':' && Character.isWhitespace(line.charAt(i + 1))) {
        separator = i;
        break;
      }
    }
    if (separator <= 0) {
      return "expected 'token: host:port'";
    }
    String token = line.substring(0, separator).strip();
    if (token.isEmpty()) {
      return "empty token";
    }
    String[] words = line.substring(separator + 1).strip().split("\\s+");
    HostPort target;
    try {
      target = HostPort.parse(words[0], false);
    } catch (IllegalArgumentException e) {
      return "bad target: " + e.getMessage();
    }
    RoutePolicy policy;
    try {
      policy = options(words);
    } catch (IllegalArgumentException e) {
      return "bad option: " + e.getMessage();
    }
    routes.put(token, target);
    if (policy.isNone()) {
      policies.remove(token); // the last line wins, options included
    } else {
      policies.put(token, policy);
    }
    return null;
  }

  /** The {@code name=value} words after the target ({@code words[0]}). */
  private static RoutePolicy options(String[] words) {
    RoutePolicy.Builder b = new RoutePolicy.Builder();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected name=value after host:port");
      }
      b.text(words[i].substring(0, eq), words[i].substring(eq + 1));
    }
    return b.build();
  }
}
