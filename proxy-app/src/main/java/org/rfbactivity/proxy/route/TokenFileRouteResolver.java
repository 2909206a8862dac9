package org.rfbactivity.proxy.route;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
 * {@link #RACY_WINDOW} of being read is read again at each lookup until it is older. The lines are parsed by
 * {@link TokenTable}: one that does not parse (or is not UTF-8) is skipped with a warning that gives its line number
 * only (a line holds a token). A file that disappears or
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
  /** Ignored lines named in the one warning per version of the file; the rest are counted. */
  static final int MAX_LOGGED_LINES = 20;

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
      this.table = load(file, attributes(file), List.of());
    } catch (IOException e) {
      throw new ConfigException("--token-file", file.toString(), "cannot read: " + e.getClass().getSimpleName());
    }
    log.info("token file {}: {} routes", file, table.tokens.routes().size());
  }

  @Override
  public Route resolve(RouteRequest request) throws RouteRefusedException {
    if (request.token() == null || request.token().isEmpty()) {
      throw RouteRefusedException.refused("missing token");
    }
    HostPort target = current().tokens.routes().get(request.token());
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
    return current().tokens.routes().size();
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
        Table fresh = load(file, stamp, seen.tokens.ignored());
        if (!fresh.tokens.routes().equals(seen.tokens.routes())) {
          log.info("token file {} changed: {} routes", file, fresh.tokens.routes().size());
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
      table = new Table(null, new TokenTable(Map.of(), List.of()), false);
    }
    return table;
  }

  private static Stamp attributes(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
  }

  private Table load(Path file, Stamp stamp, List<TokenTable.IgnoredLine> ignoredBefore) throws IOException {
    TokenTable tokens = TokenTable.parse(read(file, stamp));
    if (!tokens.ignored().isEmpty() && !tokens.ignored().equals(ignoredBefore)) {
      // One line per version of the file, not per line or per re-read: a file of garbage must not flood the log.
      List<TokenTable.IgnoredLine> ignored = tokens.ignored();
      log.warn("token file {}: {} ignored: {}{}", file, ignored.size() == 1 ? "1 line" : ignored.size() + " lines",
          ignored.subList(0, Math.min(ignored.size(), MAX_LOGGED_LINES)).stream().map(Object::toString)
              .collect(Collectors.joining(", ")),
          ignored.size() > MAX_LOGGED_LINES ? " and " + (ignored.size() - MAX_LOGGED_LINES) + " more" : "");
    }
    boolean racy = stamp.modified.toInstant().isAfter(clock.instant().minus(RACY_WINDOW));
    return new Table(stamp, tokens, racy);
  }

  /** The whole file, read from bytes (decoded line by line), refused beyond {@link #MAX_FILE_BYTES}. */
  private static byte[] read(Path file, Stamp stamp) throws IOException {
    if (stamp.size > MAX_FILE_BYTES) {
      throw new IOException("token file larger than " + MAX_FILE_BYTES + " bytes");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1); // it may have grown since the stamp
      if (bytes.length > MAX_FILE_BYTES) {
        throw new IOException("token file larger than " + MAX_FILE_BYTES + " bytes");
      }
      return bytes;
    }
  }

  /** What identifies one version of the file without reading it. */
  private record Stamp(FileTime modified, long size, Object fileKey) {}

  /** @param racy read so soon after its modification that the stamp cannot vouch for it (see RACY_WINDOW) */
  private record Table(Stamp stamp, TokenTable tokens, boolean racy) {}
}
