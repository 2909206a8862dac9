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
 * @param routes token to target
 * @param ignored the lines that did not parse, in file order
 */
record TokenTable(Map<String, HostPort> routes, List<IgnoredLine> ignored) {

  /** Why a line was ignored, said without its content. */
  static final String NOT_UTF8 = "not valid UTF-8";

  /** A line that was not read, by number (1 for the first line). */
  record IgnoredLine(int number, String reason) {
    @Override
    public String toString() {
      return "line " + number + " (" + reason + ")";
    }
  }

  TokenTable {
    routes = Map.copyOf(routes);
    ignored = List.copyOf(ignored);
  }

  /** Never throws: every line either routes or is ignored with a reason. */
  static TokenTable parse(byte[] bytes) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input (the default) rather than replacing it
    Map<String, HostPort> routes = new HashMap<>();
    List<IgnoredLine> ignored = new ArrayList<>();
    int number = 0;
    int start = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
        end++;
      }
      number++;
      String problem = parseLine(bytes, start, end, utf8, routes);
      if (problem != null) {
        ignored.add(new IgnoredLine(number, problem));
      }
      start = end + (end + 1 < bytes.length && bytes[end] == '\r' && bytes[end + 1] == '\n' ? 2 : 1);
    }
    return new TokenTable(routes, ignored);
  }

  private static String parseLine(byte[] bytes, int start, int end, CharsetDecoder utf8,
      Map<String, HostPort> routes) {
    String line;
    try {
      line = utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString().strip();
    } catch (CharacterCodingException e) {
      return NOT_UTF8;
    }
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    return parseLine(line, routes);
  }

  /**
   * Adds the route of one stripped line that is neither blank nor a comment; returns why it was not added, or
   * null. The reason never contains the line's content.
   */
  static String parseLine(String line, Map<String, HostPort> routes) {
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
    try {
      routes.put(token, HostPort.parse(line.substring(separator + 1).strip(), false));
      return null;
    } catch (IllegalArgumentException e) {
      return "bad target: " + e.getMessage();
    }
  }
}
