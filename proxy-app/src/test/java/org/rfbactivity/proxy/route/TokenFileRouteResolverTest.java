package org.rfbactivity.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;

class TokenFileRouteResolverTest {

  @TempDir
  Path dir;

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
        .isEqualTo(new Route("10.0.0.6:5904", new HostPort("10.0.0.6", 5904), "token-file"));
    assertThat(r.resolve(new RouteRequest(null, "beta")))
        .isEqualTo(new Route("desk-2.internal:5902", new HostPort("desk-2.internal", 5902), "token-file"));
    assertThat(r.resolve(new RouteRequest(null, "v6")).target()).isEqualTo(new HostPort("::1", 5903));
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
    assertThat(r.resolve(new RouteRequest(null, "alpha")).target().port()).isEqualTo(5901);

    // Rewritten in place (an editor), with a new modification time.
    Files.writeString(f, "alpha: 10.0.0.5:5999\nbeta: 10.0.0.6:5902\n", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(r.resolve(new RouteRequest(null, "alpha")).target().port()).isEqualTo(5999);
    assertThat(r.resolve(new RouteRequest(null, "beta")).target().port()).isEqualTo(5902);

    // Replaced atomically (a config management tool): a new file key.
    Path next = dir.resolve("tokens.next");
    Files.writeString(next, "gamma: 10.0.0.7:5903\n", StandardCharsets.UTF_8);
    Files.move(next, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    assertThat(r.resolve(new RouteRequest(null, "gamma")).target().port()).isEqualTo(5903);
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "alpha"))).hasMessage("unknown token");
  }

  @Test
  void aRewriteWithTheSameSizeWithinOneTickOfTheFileClockIsSeen() throws Exception {
    Path f = file("alpha: 10.0.0.5:5901\n");
    FileTime now = FileTime.from(Instant.now());
    Files.setLastModifiedTime(f, now);
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));
    assertThat(r.resolve(new RouteRequest(null, "alpha")).target().port()).isEqualTo(5901);

    // Rewritten in place so fast that the file system's clock did not tick (ext4 ticks every few ms, FAT every 2 s):
    // same file, same size, same modification time. A revoked token must not keep working.
    Files.writeString(f, "gamma: 10.0.0.5:5902\n", StandardCharsets.UTF_8);
    Files.setLastModifiedTime(f, now);
    assertThat(r.resolve(new RouteRequest(null, "gamma")).target().port()).isEqualTo(5902);
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
    assertThat(r.resolve(new RouteRequest(null, "alpha")).target().port()).isEqualTo(5901);
  }

  @Test
  void aDeletedFileRefusesEveryoneUntilItReturns() throws Exception {
    Path f = file("alpha: 10.0.0.5:5901\n");
    TokenFileRouteResolver r = new TokenFileRouteResolver(new Routing.TokenFile(f));

    Files.delete(f);
    assertThatThrownBy(() -> r.resolve(new RouteRequest(null, "alpha"))).hasMessage("unknown token");
    assertThat(r.size()).isZero();

    Files.writeString(f, "alpha: 10.0.0.5:5902\n", StandardCharsets.UTF_8);
    assertThat(r.resolve(new RouteRequest(null, "alpha")).target().port()).isEqualTo(5902);
  }

  @Test
  void unreadableAtStartIsAConfigurationError() {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> new TokenFileRouteResolver(new Routing.TokenFile(missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--token-file=" + missing + ": cannot read: NoSuchFileException");
  }

  @Test
  void blockingSoItRunsOffTheEventLoop() throws Exception {
    assertThat(new TokenFileRouteResolver(new Routing.TokenFile(file(""))).blocking()).isTrue();
  }
}
