package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --web}: none by default; a directory from the flag, the environment or a config file, as its real path. */
class WebSettingTest {

  private static final String[] ROUTE = {"--target", "127.0.0.1:5901", "--session-id", "s"};

  @TempDir
  Path dir;

  private static ProxyConfig parse(Map<String, String> env, String... args) {
    String[] all = new String[ROUTE.length + args.length];
    System.arraycopy(ROUTE, 0, all, 0, ROUTE.length);
    System.arraycopy(args, 0, all, ROUTE.length, args.length);
    return ProxyCommand.parse(all, env).config();
  }

  @Test
  void noneByDefault() {
    assertThat(parse(Map.of()).web()).isNull();
  }

  @Test
  void aDirectoryAsItsRealPath() throws IOException {
    Path web = Files.createDirectories(dir.resolve("web"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), web);
    assertThat(parse(Map.of(), "--web", link.toString()).web()).isEqualTo(web.toRealPath());
    assertThat(parse(Map.of("RFBA_WEB", web.toString())).web()).isEqualTo(web.toRealPath());
    Path file = Files.writeString(dir.resolve("proxy.properties"), "web=" + web + "\n");
    assertThat(parse(Map.of(), "--config", file.toString()).web()).isEqualTo(web.toRealPath());
  }

  @Test
  void notADirectoryIsRefusedNamingTheSetting() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertThatThrownBy(() -> parse(Map.of(), "--web", file.toString()))
        .isInstanceOf(ConfigException.class).hasMessage("--web=" + file + ": not a readable directory");
    assertThatThrownBy(() -> parse(Map.of(), "--web", dir.resolve("missing").toString()))
        .isInstanceOf(ConfigException.class).hasMessage("--web=" + dir.resolve("missing") + ": not a readable directory");
  }
}
