package org.rfbactivity.proxy.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * websockify's token file ({@code websockify/token_plugins.py} ReadOnlyTokenFile): one {@code token: host:port}
 * per line, {@code #} comments and blank lines ignored, the last line wins for a repeated token.
 *
 * <p>The file is checked (modification time, size, file key) on every lookup and re-read when it changed, so
 * an edit takes effect for the next viewer without a restart or a watcher thread; a file modified within
 * {@link #RACY_WINDOW} of being read is read again at each lookup until it is older. Lines that do not parse are
 * skipped with a warning that gives the line number only (a line holds a token). A file that disappears or
 * cannot be read empties the table: refusing everyone is the safe failure for a routing table.
 *
 * <p>A token-file route's session id is its target {@code host:port}: the format has no session column and the
 * token itself may be a secret, so it must not become an id that is logged and stored.
 */
public final class TokenFileRouteResolver implements RouteResolver {

  private static final Logger log = LoggerFactory.getLogger(TokenFileRouteResolver.class);

  /** Refuses absurd files rather than reading them into memory on an event of every viewer. */
  static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
  /**
   * The coarsest modification-time tick of a common file system (FAT: 2 s; ext4 and XFS tick with the kernel's
   * coarse clock, a few ms). A file modified less than this before it was read may be rewritten within the same tick
   * with the same size, leaving the stamp unchanged ("racy git"): such a table is read again on the next lookup
   * until its file is older than this.
   */
  static final Duration RACY_WINDOW = Duration.ofSeconds(2);

  private final Path file;
  private final String kind;
  private final Clock clock;
  private volatile Table table;

  /** @throws ConfigException when the file cannot be read at start */
  public TokenFileRouteResolver(Routing.TokenFile routing) {
    this(routing, Clock.systemUTC());
  }

  /** @param clock the wall clock that file modification times are compared with */
  TokenFileRouteResolver(Routing.TokenFile routing, Clock clock) {
    this.file = routing.file();
    this.kind = routing.kind();
    this.clock = clock;
    try {
      this.table = load(file, attributes(file));
    } catch (IOException e) {
      throw new ConfigException("--token-file", file.toString(), "cannot read: " + e.getClass().getSimpleName());
    }
    log.info("token file {}: {} routes", file, table.routes.size());
  }

  @Override
  public Route resolve(RouteRequest request) throws RouteRefusedException {
    if (request.token() == null || request.token().isEmpty()) {
      throw RouteRefusedException.refused("missing token");
    }
    HostPort target = current().routes.get(request.token());
    if (target == null) {
      throw RouteRefusedException.refused("unknown token");
    }
    String sessionId = target.toString();
    RouteResolver.requireMatchingPathId(request, sessionId);
    return new Route(sessionId, target, kind);
  }

  @Override
  public boolean blocking() {
    return true;
  }

  /** Number of routes in the table as last loaded (for tests and the startup log). */
  public int size() {
    return current().routes.size();
  }

  private Table current() {
    Table seen = table;
    Stamp stamp;
    try {
      stamp = attributes(file);
    } catch (IOException e) {
      return replaceWithEmpty(seen, e);
    }
    if (stamp.equals(seen.stamp) && !seen.racy) {
      return seen;
    }
    synchronized (this) {
      if (table != seen) {
        return table;
      }
      try {
        Table fresh = load(file, stamp);
        if (!fresh.routes.equals(seen.routes)) {
          log.info("token file {} changed: {} routes", file, fresh.routes.size());
        }
        table = fresh;
        return fresh;
      } catch (IOException e) {
        return replaceWithEmpty(seen, e);
      }
    }
  }

  private synchronized Table replaceWithEmpty(Table seen, IOException cause) {
    if (table == seen && seen.stamp != null) {
      log.warn("token file {} cannot be read ({}); refusing every token until it can",
          file, cause instanceof NoSuchFileException ? "missing" : cause.getClass().getSimpleName());
      table = new Table(null, Map.of(), false);
    }
    return table;
  }

  private static Stamp attributes(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
  }

  private Table load(Path file, Stamp stamp) throws IOException {
    if (stamp.size > MAX_FILE_BYTES) {
      throw new IOException("token file larger than " + MAX_FILE_BYTES + " bytes");
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, HostPort> routes = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String problem = parseLine(line, routes);
      if (problem != null) {
        log.warn("token file {} line {} ignored: {}", file, i + 1, problem);
      }
    }
    boolean racy = stamp.modified.toInstant().isAfter(clock.instant().minus(RACY_WINDOW));
    return new Table(stamp, Map.copyOf(routes), racy);
  }

  /** Adds the line's route; returns why it was not added, or null. The message never contains the token. */
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

  /** What identifies one version of the file without reading it. */
  private record Stamp(FileTime modified, long size, Object fileKey) {}

  /** @param racy read so soon after its modification that the stamp cannot vouch for it (see RACY_WINDOW) */
  private record Table(Stamp stamp, Map<String, HostPort> routes, boolean racy) {}
}
