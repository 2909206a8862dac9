package org.rfbactivity.proxy.route;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * only (a line holds a token). A file that disappears or cannot be read (or grows beyond {@link #MAX_FILE_BYTES})
 * leaves the last good table in use until it can be read again, and {@link #status()} says so.
 *
 * <p>Each line may carry per-route policy options ({@link TokenTable}). A viewer's route keeps the hash of its token
 * ({@link RouteOrigin}), never the token, so that {@link #withdrawn} can tell which viewers a changed file revokes.
 *
 * <p>The path may also name a directory, as websockify's {@code TokenFile} plugin allows: every regular file in it
 * (hidden files included, as websockify reads them; subdirectories and dangling links skipped) is read as a token file,
 * in the order of their names (websockify's order is the directory's, which is unspecified), a token in several files
 * routing as the last of them says. A change to any file, or a file added or removed, is noticed as for a single
 * file, and a file that cannot be read leaves the last good table of the whole directory in use. Ignored lines are
 * reported by file name and line number. The size limit applies to all files together.
 *
 * <p>A token-file route's session id is its target {@code host:port}: the format has no session column and the
 * token itself may be a secret, so it must not become an id that is logged and stored.
 */
public final class TokenFileRouteResolver implements RouteResolver {

  private static final Logger log = LoggerFactory.getLogger(TokenFileRouteResolver.class);

  /** Refuses absurd files rather than reading them into memory on an event of every viewer. */
  static final long MAX_FILE_BYTES = 16L * 1024 * 1024;
  /** Refuses a directory that is not a token directory (a home directory given by mistake) before reading it. */
  static final int MAX_DIRECTORY_FILES = 10_000;
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
  private volatile State state;

  /** @throws ConfigException when the file cannot be read at start */
  public TokenFileRouteResolver(Routing.TokenFile routing) {
    this(routing, Clock.systemUTC());
  }

  /** @param clock the wall clock that file modification times are compared with, and that dates a failure */
  TokenFileRouteResolver(Routing.TokenFile routing, Clock clock) {
    this.file = routing.file();
    this.kind = routing.kind();
    this.clock = clock;
    Table table;
    try {
      table = load(file, attributes(file), List.of());
    } catch (IOException e) {
      // No table to fall back on yet: a proxy that cannot route anyone must not start.
      throw new ConfigException("--token-file", file.toString(), "cannot read: " + describe(e));
    }
    this.state = new State(table, null);
    log.info("token file {}: {} routes", file, table.tokens.routes().size());
  }

  @Override
  public Route resolve(RouteRequest request) throws RouteRefusedException {
    if (request.token() == null || request.token().isEmpty()) {
      throw RouteRefusedException.refused("missing token");
    }
    TokenTable tokens = current().tokens;
    HostPort target = tokens.routes().get(request.token());
    if (target == null) {
      throw RouteRefusedException.refused("unknown token");
    }
    String sessionId = target.toString();
    RouteResolver.requireMatchingPathId(request, sessionId);
    return new Route(sessionId, target, kind, tokens.policy(request.token()), RouteOrigin.tokenFile(request.token()));
  }

  /**
   * The live routes whose token the file, checked now (and re-read if it changed), no longer has, or now sends
   * elsewhere. A changed policy alone withdraws nothing: it applies to the next viewer. While the file cannot be read
   * the last good table stands, so nothing is withdrawn for that.
   */
  @Override
  public BitSet withdrawn(List<Route> live) {
    Map<String, HostPort> byHash = current().byHash();
    BitSet gone = new BitSet(live.size());
    for (int i = 0; i < live.size(); i++) {
      Route route = live.get(i);
      String hash = route.origin().credentialHash();
      if (hash != null && !route.target().equals(byHash.get(hash))) {
        gone.set(i);
      }
    }
    return gone;
  }

  @Override
  public boolean blocking() {
    return true;
  }

  /** The table as the newest lookup found it; no file access, so the admin loop may call it. */
  @Override
  public Optional<RoutingStatus> status() {
    State s = state;
    int routes = s.table.tokens.routes().size();
    if (s.unreadable == null) {
      return Optional.of(new RoutingStatus("token file: " + routes + " routes", false));
    }
    return Optional.of(new RoutingStatus("token file unreadable since " + s.unreadable.since + " ("
        + s.unreadable.cause + "); serving the last good table of " + routes + " routes", true));
  }

  /** Number of routes in the table in use after checking the file (for tests and the startup log). */
  public int size() {
    return current().tokens.routes().size();
  }

  private Table current() {
    State seen = state;
    Stamp stamp;
    try {
      stamp = attributes(file);
    } catch (IOException e) {
      return unreadable(seen, e);
    }
    if (seen.unreadable == null && stamp.equals(seen.table.stamp) && !seen.table.racy) {
      return seen.table;
    }
    synchronized (this) {
      if (state != seen) {
        return state.table;
      }
      try {
        Table fresh = load(file, stamp, seen.table.tokens.ignored());
        int routes = fresh.tokens.routes().size();
        if (seen.unreadable != null) {
          log.info("token file {} can be read again: {} routes", file, routes);
        } else if (!fresh.tokens.routes().equals(seen.table.tokens.routes())) {
          log.info("token file {} changed: {} routes", file, routes);
        }
        state = new State(fresh, null);
        return fresh;
      } catch (IOException e) {
        return unreadable(seen, e);
      }
    }
  }

  /**
   * Keeps the last good table. A file that is missing or unreadable for a moment (a deploy tool that deletes before
   * writing, a volume being remounted) must not refuse every viewer, and the last good table is what an operator
   * last published: tokens revoked since then could only be revoked by a file the proxy can read.
   */
  private synchronized Table unreadable(State seen, IOException e) {
    String cause = describe(e);
    if (state == seen && (seen.unreadable == null || !seen.unreadable.cause.equals(cause))) {
      Instant since = seen.unreadable == null ? clock.instant().truncatedTo(ChronoUnit.SECONDS) : seen.unreadable.since;
      log.warn("token file {} cannot be read ({}); serving the last good table of {} routes until it can", file,
          cause, seen.table.tokens.routes().size());
      state = new State(seen.table, new Unreadable(since, cause));
    }
    return state.table;
  }

  /** Why the file cannot be read, in words safe to log and show: the exception's class, or our own reason. */
  private static String describe(IOException e) {
    return e instanceof Unusable ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** The stamp of the file, or of every regular file of the directory, in name order. */
  private static Stamp attributes(Path source) throws IOException {
    BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
    if (!a.isDirectory()) {
      return new Stamp(false, List.of(FileStamp.of(null, a)));
    }
    List<FileStamp> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(source)) {
      for (Path entry : entries) {
        BasicFileAttributes fa;
        try {
          fa = Files.readAttributes(entry, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // a dangling link, or a file removed while listing: not a token file
        }
        if (fa.isRegularFile()) {
          files.add(FileStamp.of(entry.getFileName().toString(), fa));
          if (files.size() > MAX_DIRECTORY_FILES) {
            throw new Unusable("more than " + MAX_DIRECTORY_FILES + " files");
          }
        }
      }
    }
    files.sort(Comparator.comparing(FileStamp::name));
    return new Stamp(true, List.copyOf(files));
  }

  private Table load(Path source, Stamp stamp, List<TokenTable.IgnoredLine> ignoredBefore) throws IOException {
    TokenTable tokens;
    if (stamp.directory) {
      List<TokenTable> tables = new ArrayList<>();
      long budget = MAX_FILE_BYTES;
      for (FileStamp f : stamp.files) {
        byte[] bytes = read(source.resolve(f.name), f, budget);
        budget -= bytes.length;
        tables.add(TokenTable.parse(bytes, f.name));
      }
      tokens = TokenTable.merge(tables);
    } else {
      tokens = TokenTable.parse(read(source, stamp.files.get(0), MAX_FILE_BYTES));
    }
    if (!tokens.ignored().isEmpty() && !tokens.ignored().equals(ignoredBefore)) {
      // One line per version of the file, not per line or per re-read: a file of garbage must not flood the log.
      List<TokenTable.IgnoredLine> ignored = tokens.ignored();
      log.warn("token file {}: {} ignored: {}{}", file, ignored.size() == 1 ? "1 line" : ignored.size() + " lines",
          ignored.subList(0, Math.min(ignored.size(), MAX_LOGGED_LINES)).stream().map(Object::toString)
              .collect(Collectors.joining(", ")),
          ignored.size() > MAX_LOGGED_LINES ? " and " + (ignored.size() - MAX_LOGGED_LINES) + " more" : "");
    }
    Instant racySince = clock.instant().minus(RACY_WINDOW);
    boolean racy = stamp.files.stream().anyMatch(f -> f.modified.toInstant().isAfter(racySince));
    return new Table(stamp, tokens, racy);
  }

  /**
   * The whole file, read from bytes (decoded line by line), refused beyond {@code budget} (what is left of
   * {@link #MAX_FILE_BYTES} for a directory's files together).
   */
  private static byte[] read(Path file, FileStamp stamp, long budget) throws IOException {
    if (!stamp.regularFile) {
      throw new Unusable("not a regular file");
    }
    if (stamp.size > budget) {
      throw new Unusable("larger than " + MAX_FILE_BYTES + " bytes");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) budget + 1); // it may have grown since the stamp
      if (bytes.length > budget) {
        throw new Unusable("larger than " + MAX_FILE_BYTES + " bytes");
      }
      return bytes;
    }
  }

  /** What identifies one version of the file, or of the directory's files, without reading them. */
  private record Stamp(boolean directory, List<FileStamp> files) {}

  /** One file's part of a {@link Stamp}; {@code name} is its name in the directory, null for a single file. */
  private record FileStamp(String name, FileTime modified, long size, Object fileKey, boolean regularFile) {
    static FileStamp of(String name, BasicFileAttributes a) {
      return new FileStamp(name, a.lastModifiedTime(), a.size(), a.fileKey(), a.isRegularFile());
    }
  }

  /** @param racy read so soon after its modification that the stamp cannot vouch for it (see RACY_WINDOW) */
  private static final class Table {
    final Stamp stamp;
    final TokenTable tokens;
    final boolean racy;
    /** Token hash to target; computed by the first revocation check of this table, as only live routes need it. */
    private Map<String, HostPort> byHash;

    Table(Stamp stamp, TokenTable tokens, boolean racy) {
      this.stamp = stamp;
      this.tokens = tokens;
      this.racy = racy;
    }

    synchronized Map<String, HostPort> byHash() {
      if (byHash == null) {
        Map<String, HostPort> m = new HashMap<>();
        tokens.routes().forEach((token, target) -> m.put(RouteOrigin.hash(token), target));
        byHash = m;
      }
      return byHash;
    }
  }

  /** The table in use, and since when and why the file cannot be read (null while it can). */
  private record State(Table table, Unreadable unreadable) {}

  private record Unreadable(Instant since, String cause) {}

  /** A file that exists but is not one we read; the message says why. */
  private static final class Unusable extends IOException {
    private static final long serialVersionUID = 1L;

    Unusable(String reason) {
      super(reason);
    }
  }
}
