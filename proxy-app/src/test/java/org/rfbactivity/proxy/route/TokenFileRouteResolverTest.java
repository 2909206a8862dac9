package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.rfb.InputClass;
import org.slf4j.LoggerFactory;

class TokenFileRouteResolverTest {

  @TempDir
  Path dir;

  final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    log.start();
    resolverLogger().addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    resolverLogger().detachAppender(log);
  }

  private static Logger resolverLogger() {
    return (Logger) LoggerFactory.getLogger(TokenFileRouteResolver.class);
  }

  /** The resolver's warnings, as logged. */
  private List<String> warnings() {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  private Path file(String content) throws IOException {
    Path f = dir.resolve("tokens.cfg");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void websockifyFormat() throws Exception {
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(file(String.join("\n",
        "# websockify token file",
        "",
        "alpha: 10.0.0.5:5901",
        "beta:\t desk-2.internal:5902  ",
        "v6: [::1]:5903",
        "alpha: 10.0.0.6:5904",
        "broken line without separator",
        "bad-port: 10.0.0.7:99999",
        ": 10.0.0.8:5900"))));

    assertThat(r.size()).isEqualTo(3);
    assertThat(r.resolve(new RouteRequest(null, "alpha")))
        .as("last line wins, as in websockify's dict")
        .isEqualTo(new Route("10.0.0.6:5904", new HostPort("10.0.0.6", 5904), "token-file", RoutePolicy.NONE, RouteOrigin.tokenFile("alpha")));
    assertThat(r.resolve(new RouteRequest(null, "beta")))
        .isEqualTo(new Route("desk-2.internal:5902", new HostPort("desk-2.internal", 5902), "token-file",
            RoutePolicy.NONE, RouteOrigin.tokenFile("beta")));
    assertThat(r.resolve(new RouteRequest(null, "v6")).target()).isEqualTo(new HostPort("::1", 5903));
  }

  @Test
  void aByteThatIsNotUtf8SpoilsOnlyItsOwnLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("alpha: 10.0.0.5:5901\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)); // an editor saving Latin-1: 0xE9 alone
    bytes.writeBytes("gr\u00fcn-secret: 10.0.0.6:5902\r\n".getBytes(StandardCharsets.ISO_8859_1));
    bytes.writeBytes("caf\u00e9-\u2603: 10.0.0.7:5903\r".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("beta: 10.0.0.8:5904".getBytes(StandardCharsets.UTF_8));
    Path f = dir.resolve("tokens.cfg");
    Files.write(f, bytes.toByteArray());

    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));

    assertThat(r.size()).isEqualTo(3);
    assertThat(r.resolve(new RouteRequest(null, "alpha")))
        .isEqualTo(new Route("10.0.0.5:5901", new HostPort("10.0.0.5", 5901), "token-file", RoutePolicy.NONE, RouteOrigin.tokenFile("alpha")));
    assertThat(r.resolve(new RouteRequest(null, "caf\u00e9-\u2603")))
        .as("well-formed UTF-8 beyond ASCII, after a lone CR")
        .isEqualTo(new Route("10.0.0.7:5903", new HostPort("10.0.0.7", 5903), "token-file",
            RoutePolicy.NONE, RouteOrigin.tokenFile("caf\u00e9-\u2603")));
    assertThat(r.resolve(new RouteRequest(null, "beta")))
        .as("a last line without a line break")
        .isEqualTo(new Route("10.0.0.8:5904", new HostPort("10.0.0.8", 5904), "token-file", RoutePolicy.NONE, RouteOrigin.tokenFile("beta")));
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "gr\u00fcn-secret"))).hasMessage("unknown token");
    assertThat(warnings()).containsExactly("token file " + f
        + ": 2 lines ignored: line 2 (not valid UTF-8), line 3 (not valid UTF-8)");
  }

  @Test
  void ignoredLinesAreWarnedOncePerVersionOfTheFile() throws Exception {
    Path f = file("alpha: 10.0.0.5:5901\nno separator-secret\n");
    FileTime now = FileTime.from(Instant.now());
    Files.setLastModifiedTime(f, now);
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));

    // A file this young is read again at each lookup (see aRewriteWithTheSameSize...): the same lines, no new warning.
    r.resolve(new RouteRequest(null, "alpha"));
    r.resolve(new RouteRequest(null, "alpha"));
    Files.writeString(f, "alpha: 10.0.0.5:5901\n" + "x\n".repeat(25), StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    r.resolve(new RouteRequest(null, "alpha"));

    assertThat(warnings()).containsExactly(
        "token file " + f + ": 1 line ignored: line 2 (expected 'token: host:port')",
        "token file " + f + ": 25 lines ignored: " + String.join(", ", IntStream.rangeClosed(2, 21)
            .mapToObj(n -> "line " + n + " (expected 'token: host:port')").toList()) + " and 5 more");
    assertThat(String.join("\n", warnings())).doesNotContain("secret");
  }

  @Test
  void unknownAndMissingTokensAreRefused() throws Exception {
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(file("alpha: 10.0.0.5:5901\n")));

    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "gamma")))
        .isInstanceOf(RouteRefusedException.class).hasMessage("unknown token");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, null))).hasMessage("missing token");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, ""))).hasMessage("missing token");
    assertThatThrownBy(() -> r.resolve(new RouteRequest("10.0.0.9:5900", "alpha")))
        .as("a path id must name the route's session").hasMessage("path session id does not match the route");
    assertThat(r.resolve(new RouteRequest("10.0.0.5:5901", "alpha")).sessionId()).isEqualTo("10.0.0.5:5901");
  }

  @Test
  void reloadsWhenTheFileChanges() throws Exception {
    Path f = file("alpha: 10.0.0.5:5901\n");
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));
    assertThat(port(r.resolve(new RouteRequest(null, "alpha")))).isEqualTo(5901);

    // Rewritten in place (an editor), with a new modification time.
    Files.writeString(f, "alpha: 10.0.0.5:5999\nbeta: 10.0.0.6:5902\n", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(port(r.resolve(new RouteRequest(null, "alpha")))).isEqualTo(5999);
    assertThat(port(r.resolve(new RouteRequest(null, "beta")))).isEqualTo(5902);

    // Replaced atomically (a config management tool): a new file key.
    Path next = dir.resolve("tokens.next");
    Files.writeString(next, "gamma: 10.0.0.7:5903\n", StandardCharsets.UTF_8);
    Files.move(next, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(port(r.resolve(new RouteRequest(null, "gamma")))).isEqualTo(5903);
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "alpha"))).hasMessage("unknown token");
  }

  @Test
  void aRewriteWithTheSameSizeWithinOneTickOfTheFileClockIsSeen() throws Exception {
    Path f = file("alpha: 10.0.0.5:5901\n");
    FileTime now = FileTime.from(Instant.now());
    Files.setLastModifiedTime(f, now);
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));
    assertThat(port(r.resolve(new RouteRequest(null, "alpha")))).isEqualTo(5901);

    // Rewritten in place so fast that the file system's clock did not tick (ext4 ticks every few ms, FAT every 2 s):
    // same file, same size, same modification time. A revoked token must not keep working.
    Files.writeString(f, "gamma: 10.0.0.5:5902\n", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, now);
    assertThat(port(r.resolve(new RouteRequest(null, "gamma")))).isEqualTo(5902);
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "alpha"))).hasMessage("unknown token");
  }

  @Test
  void aFileOlderThanTheFileClocksTickIsNotReadAgain() throws Exception {
    Path f = file("alpha: 10.0.0.5:5901\n");
    FileTime old = FileTime.from(Instant.now().minusSeconds(60));
    Files.setLastModifiedTime(f, old);
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));

    // The same trick a minute later is not a change the proxy can see, and it does not read the file to find out:
    // a stat per lookup, not a read.
    Files.writeString(f, "gamma: 10.0.0.5:5902\n", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, old);
    assertThat(port(r.resolve(new RouteRequest(null, "alpha")))).isEqualTo(5901);
  }

  @Test
  void aFileThatCannotBeReadLeavesTheLastGoodTableInUseAndSaysSo() throws Exception {
    Path f = file("alpha: 10.0.0.5:5901\n");
    Clock clock = Clock.fixed(Instant.parse("2030-01-02T03:04:05.678Z"), ZoneOffset.UTC);
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f), clock);
    assertThat(r.status()).hasValue(new RoutingStatus("token file: 1 routes", false));
    Route alpha = new Route("10.0.0.5:5901", new HostPort("10.0.0.5", 5901), "token-file", RoutePolicy.NONE,
        RouteOrigin.tokenFile("alpha"));

    Files.delete(f);
    assertThat(r.resolve(new RouteRequest(null, "alpha"))).as("the last good table").isEqualTo(alpha);
    assertThat(r.resolve(new RouteRequest(null, "alpha"))).isEqualTo(alpha);
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "beta"))).hasMessage("unknown token");
    assertThat(r.status()).hasValue(new RoutingStatus("token file unreadable since 2030-01-02T03:04:05Z "
        + "(NoSuchFileException); serving the last good table of 1 routes", true));

    try (ServerSocketChannel socket = unixSocketAt(f)) { // there, but neither a file nor a directory, even for root
      assertThat(r.resolve(new RouteRequest(null, "alpha"))).isEqualTo(alpha);
    }
    assertThat(r.status()).as("the new cause, the first time").hasValue(new RoutingStatus(
        "token file unreadable since 2030-01-02T03:04:05Z (not a regular file); serving the last good table of "
            + "1 routes", true));
    Files.delete(f);

    Files.writeString(f, "alpha: 10.0.0.5:5902\nbeta: 10.0.0.6:5903\n", StandardCharsets.UTF_8);
    assertThat(port(r.resolve(new RouteRequest(null, "alpha")))).as("the fresh table").isEqualTo(5902);
    assertThat(port(r.resolve(new RouteRequest(null, "beta")))).isEqualTo(5903);
    assertThat(r.status()).hasValue(new RoutingStatus("token file: 2 routes", false));

    try (RandomAccessFile grown = new RandomAccessFile(f.toFile(), "rw")) {
      grown.setLength(TokenFileRouteResolver.MAX_FILE_BYTES + 1); // sparse: no 16 MiB written
    }
    assertThat(port(r.resolve(new RouteRequest(null, "beta")))).isEqualTo(5903);
    assertThat(r.status()).hasValue(new RoutingStatus("token file unreadable since 2030-01-02T03:04:05Z "
        + "(larger than 16777216 bytes); serving the last good table of 2 routes", true));

    assertThat(warnings()).containsExactly(
        "token file " + f + " cannot be read (NoSuchFileException); serving the last good table of 1 routes until it can",
        "token file " + f + " cannot be read (not a regular file); serving the last good table of 1 routes until it can",
        "token file " + f + " cannot be read (larger than 16777216 bytes); serving the last good table of 2 routes "
            + "until it can");
    assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage))
        .contains("token file " + f + " can be read again: 2 routes");
  }

  @Test
  void unreadableAtStartIsAConfigurationError() throws Exception {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> new TokenFileRouteResolver(new Routing.TokenFile(missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--token-file=" + missing + ": cannot read: NoSuchFileException");
    Path socketPath = dir.resolve("socket");
    try (ServerSocketChannel socket = unixSocketAt(socketPath)) {
      assertThatThrownBy(() -> new TokenFileRouteResolver(new Routing.TokenFile(socketPath)))
          .isInstanceOf(ConfigException.class)
          .hasMessage("--token-file=" + socketPath + ": cannot read: not a regular file");
    }
  }

  /** A path that exists as neither a file nor a directory: a bound Unix socket (its file stays after closing). */
  private static ServerSocketChannel unixSocketAt(Path path) throws IOException {
    ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    socket.bind(UnixDomainSocketAddress.of(path));
    return socket;
  }

  @Test
  void blockingSoItRunsOffTheEventLoop() throws Exception {
    assertThat(new TokenFileRouteResolver(new Routing.TokenFile(file(""))).blocking()).isTrue();
  }

  /** Our extension of the format: options after the target; a line with a bad one is ignored with the usual warning. */
  @Test
  void optionsOnALineSetTheRoutesPolicy() throws Exception {
    Path f = file(String.join("\n",
        "desk-1: 10.0.0.5:5901 idle_disconnect=30m max_session_duration=8h",
        "desk-2: 10.0.0.6:5902\tidle_disconnect=3600 idle_warning=90 max_session_duration=1h max_duration_warning=5m "
            + "blind_max_duration=PT45M  ",
        "plain: 10.0.0.7:5903",
        "zero: 10.0.0.8:5904 idle_disconnect=0s",
        "typo: 10.0.0.9:5905 idle_disconect=30m",
        "warn-only: 10.0.0.10:5906 idle_warning=5m",
        "late-warning: 10.0.0.11:5907 max_session_duration=1h max_duration_warning=1h",
        "a-year-and-more: 10.0.0.12:5908 blind_max_duration=8785h"));
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));

    assertThat(r.resolve(new RouteRequest(null, "desk-1"))).isEqualTo(new Route("10.0.0.5:5901",
        new HostPort("10.0.0.5", 5901), "token-file", new RoutePolicy(Duration.ofMinutes(30), null,
            Duration.ofHours(8), null, null), RouteOrigin.tokenFile("desk-1")));
    assertThat(r.resolve(new RouteRequest(null, "desk-2")).policy())
        .isEqualTo(new RoutePolicy(Duration.ofHours(1), Duration.ofSeconds(90), Duration.ofHours(1),
            Duration.ofMinutes(5), Duration.ofMinutes(45)));
    assertThat(r.resolve(new RouteRequest(null, "plain")).policy()).isSameAs(RoutePolicy.NONE);
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "zero"))).hasMessage("unknown token");
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "typo"))).hasMessage("unknown token");
    assertThat(warnings()).containsExactly("token file " + f + ": 5 lines ignored: line 4 (bad option: "
        + "idle_disconnect: must be greater than zero), line 5 (bad option: unknown option (expected idle_disconnect, "
        + "idle_warning, max_session_duration, max_duration_warning, blind_max_duration, view_only, "
        + "input_permissions)), line 6 (bad option: "
        + "idle_warning needs idle_disconnect on the same route), line 7 (bad option: max_duration_warning must be "
        + "shorter than max_session_duration), line 8 (bad option: blind_max_duration: must be at most 8784h "
        + "(366 days))");
  }

  /**
   * Input permissions as token-file options: {@code view_only} or {@code input_permissions}, with the limits or alone;
   * a value that does not parse, or both options on one line, ignore the line (so its token is refused, never given
   * full rights) with a reason that does not repeat the value.
   */
  @Test
  void inputPermissionOptions() throws Exception {
    Path f = file(String.join("\n",
        "watch: 10.0.0.5:5901 view_only=true",
        "kiosk: 10.0.0.6:5902 idle_disconnect=30m input_permissions=pointer-motion,pointer-buttons",
        "full: 10.0.0.7:5903 view_only=false",
        "none: 10.0.0.8:5904 input_permissions=none",
        "bad-class: 10.0.0.9:5905 input_permissions=keys,SECRET",
        "bad-bool: 10.0.0.10:5906 view_only=yes",
        "both: 10.0.0.11:5907 view_only=true input_permissions=keys",
        "twice: 10.0.0.12:5908 input_permissions=keys input_permissions=xvp"));
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));

    assertThat(r.resolve(new RouteRequest(null, "watch")).policy())
        .isEqualTo(new RoutePolicy(null, null, null, null, null, InputPermissions.none()));
    assertThat(r.resolve(new RouteRequest(null, "kiosk")).policy()).isEqualTo(new RoutePolicy(Duration.ofMinutes(30),
        null, null, null, null, InputPermissions.of(InputClass.POINTER_MOTION, InputClass.POINTER_BUTTONS)));
    assertThat(r.resolve(new RouteRequest(null, "full")).policy().inputPermissions()).isEqualTo(InputPermissions.all());
    assertThat(r.resolve(new RouteRequest(null, "none")).policy().inputPermissions())
        .isEqualTo(InputPermissions.none());
    for (String refused : List.of("bad-class", "bad-bool", "both", "twice")) {
      assertThatThrownBy(() -> r.resolve(new RouteRequest(null, refused))).hasMessage("unknown token");
    }
    assertThat(warnings()).containsExactly("token file " + f + ": 4 lines ignored: line 5 (bad option: "
        + "input_permissions: expected all, none or a comma list of keys,pointer-motion,pointer-buttons,clipboard,"
        + "desktop-resize,xvp), line 6 (bad option: view_only: expected true or false), line 7 (bad option: "
        + "view_only and input_permissions both given), line 8 (bad option: input_permissions given twice)");
  }

  /**
   * What a changed file withdraws: the routes of tokens it no longer has or now sends elsewhere, not those whose
   * options alone changed; a file that cannot be read withdraws nothing.
   */
  @Test
  void withdrawnRoutesAreThoseOfTokensGoneOrMoved() throws Exception {
    Path f = file("alpha: 10.0.0.5:5901\nbeta: 10.0.0.6:5902\ngamma: 10.0.0.7:5903\ndelta: 10.0.0.8:5904\n");
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));
    List<Route> live = new ArrayList<>();
    for (String token : List.of("alpha", "beta", "gamma", "delta", "beta")) {
      live.add(r.resolve(new RouteRequest(null, token)));
    }
    live.add(new Route("desk", new HostPort("10.0.0.6", 5902), "static"));
    assertThat(r.withdrawn(live)).as("nothing changed").isEqualTo(new BitSet());

    Files.writeString(f, "alpha: 10.0.0.5:5901\ngamma: 10.0.0.9:5903\ndelta: 10.0.0.8:5904 idle_disconnect=1m\n",
        StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(r.withdrawn(live)).isEqualTo(BitSet.valueOf(new long[] {0b10110}));

    Files.delete(f);
    assertThat(r.withdrawn(live)).as("the last good table stands, not an empty one")
        .isEqualTo(BitSet.valueOf(new long[] {0b10110}));
  }

  private Path tokenDirectory() throws IOException {
    return Files.createDirectory(dir.resolve("tokens.d"));
  }

  private static void write(Path f, String content, int secondsAhead) throws IOException {
    Files.writeString(f, content, StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
  }

  /**
   * websockify's TokenFile plugin with a directory: every regular file is read, hidden ones too; subdirectories and
   * dangling links are not token files; a token in several files routes as the last file by name says.
   */
  @Test
  void aDirectoryIsReadAsAllOfItsRegularFiles() throws Exception {
    Path d = tokenDirectory();
    write(d.resolve("a-desks"), "alpha: 10.0.0.5:5901\nbeta: 10.0.0.6:5902 idle_disconnect=30m\n", 0);
    write(d.resolve("b-more.cfg"), "# comment\nbeta: 10.0.0.7:5903\nno separator-secret\n", 0);
    write(d.resolve(".hidden"), "gamma: 10.0.0.8:5904\n", 0);
    Files.createDirectory(d.resolve("sub"));
    write(d.resolve("sub").resolve("nested"), "nested: 10.0.0.9:5905\n", 0);
    Files.createSymbolicLink(d.resolve("dangling"), d.resolve("nowhere"));
    Path linked = write(dir.resolve("elsewhere"), "delta: 10.0.0.10:5906\n");
    Files.createSymbolicLink(d.resolve("linked"), linked);

    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(d));

    assertThat(r.size()).isEqualTo(4);
    assertThat(r.resolve(new RouteRequest(null, "alpha"))).isEqualTo(new Route("10.0.0.5:5901",
        new HostPort("10.0.0.5", 5901), "token-file", RoutePolicy.NONE, RouteOrigin.tokenFile("alpha")));
    assertThat(r.resolve(new RouteRequest(null, "beta")))
        .as("the later file by name wins, options included")
        .isEqualTo(new Route("10.0.0.7:5903", new HostPort("10.0.0.7", 5903), "token-file", RoutePolicy.NONE,
            RouteOrigin.tokenFile("beta")));
    assertThat(r.resolve(new RouteRequest(null, "gamma")).target()).isEqualTo(new HostPort("10.0.0.8", 5904));
    assertThat(r.resolve(new RouteRequest(null, "delta")).target()).isEqualTo(new HostPort("10.0.0.10", 5906));
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "nested"))).hasMessage("unknown token");
    assertThat(warnings()).containsExactly("token file " + d
        + ": 1 line ignored: b-more.cfg line 3 (expected 'token: host:port')");
    assertThat(String.join("\n", warnings())).doesNotContain("secret");
  }

  private static Path write(Path f, String content) throws IOException {
    return Files.writeString(f, content, StandardCharsets.UTF_8);
  }

  /** A file changed, added or removed is seen at the next lookup and by the revocation check. */
  @Test
  void aDirectoryIsReloadedWhenAnyOfItsFilesChanges() throws Exception {
    Path d = tokenDirectory();
    write(d.resolve("one"), "alpha: 10.0.0.5:5901\n", -60);
    write(d.resolve("two"), "beta: 10.0.0.6:5902\n", -60);
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(d));
    List<Route> live = List.of(r.resolve(new RouteRequest(null, "alpha")), r.resolve(new RouteRequest(null, "beta")));
    assertThat(r.withdrawn(live)).isEqualTo(new BitSet());

    write(d.resolve("two"), "beta: 10.0.0.6:5999\n", 5);
    assertThat(port(r.resolve(new RouteRequest(null, "beta")))).isEqualTo(5999);
    assertThat(r.withdrawn(live)).as("beta now goes elsewhere").isEqualTo(BitSet.valueOf(new long[] {0b10}));

    write(d.resolve("three"), "gamma: 10.0.0.7:5903\n", -60);
    assertThat(port(r.resolve(new RouteRequest(null, "gamma")))).as("a file added").isEqualTo(5903);

    Files.delete(d.resolve("one"));
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "alpha"))).as("a file removed")
        .hasMessage("unknown token");
    assertThat(r.withdrawn(live)).isEqualTo(BitSet.valueOf(new long[] {0b11}));
    assertThat(r.status()).hasValue(new RoutingStatus("token file: 2 routes", false));
  }

  /** One file that cannot be read leaves the last good table of the whole directory in use. */
  @Test
  void aDirectoryWithAnUnreadableFileKeepsTheLastGoodTable() throws Exception {
    Path d = tokenDirectory();
    write(d.resolve("one"), "alpha: 10.0.0.5:5901\n", -60);
    Clock clock = Clock.fixed(Instant.parse("2030-01-02T03:04:05.678Z"), ZoneOffset.UTC);
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(d), clock);

    write(d.resolve("two"), "beta: 10.0.0.6:5902\n", -60);
    try (RandomAccessFile grown = new RandomAccessFile(d.resolve("two").toFile(), "rw")) {
      grown.setLength(TokenFileRouteResolver.MAX_FILE_BYTES); // with "one", more than the limit for all files
    }
    assertThat(port(r.resolve(new RouteRequest(null, "alpha")))).isEqualTo(5901);
    assertThat(r.status()).hasValue(new RoutingStatus("token file unreadable since 2030-01-02T03:04:05Z "
        + "(larger than 16777216 bytes); serving the last good table of 1 routes", true));

    write(d.resolve("two"), "beta: 10.0.0.6:5902\n", -60);
    assertThat(port(r.resolve(new RouteRequest(null, "beta")))).isEqualTo(5902);
    assertThat(r.status()).hasValue(new RoutingStatus("token file: 2 routes", false));
  }

  /** The port of a token-file route's target, which is always a {@link HostPort}. */
  private static int port(Route route) {
    return ((HostPort) route.target()).port();
  }
}
