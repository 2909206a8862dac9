package org.rfbactivity.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.activity.BlindPolicy;
import org.rfbactivity.activity.InputKind;

class ProxyCommandTest {

  /** StreamSpace's column (docs/architecture.md#persistence), kept current by the mirror statement. */
  static final String MIRROR =
      "UPDATE sessions SET last_activity = GREATEST(last_activity, :last_activity) WHERE id = :session_id";

  @TempDir
  Path dir;

  private static ProxyConfig parse(Map<String, String> env, String... args) {
    return ProxyCommand.parse(args, env).config();
  }

  private static ProxyConfig parse(String... args) {
    return parse(Map.of(), args);
  }

  /** websockify's HS256 key file: the secret base64url, padded or not, at least 32 bytes decoded. */
  @Test
  void jwtEncodedSecretFile() throws IOException {
    byte[] key = new byte[33];
    key[0] = (byte) 0xff;
    Path unpadded = Files.writeString(dir.resolve("k1"), java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(key) + "\n");
    Path padded = Files.writeString(dir.resolve("k2"), java.util.Base64.getUrlEncoder().encodeToString(key));
    assertThat(((Routing.JwtHs256) parse("--jwt-encoded-secret-file", unpadded.toString()).routing()).secret())
        .isEqualTo(key);
    assertThat(((Routing.JwtHs256) parse("--jwt-encoded-secret-file", padded.toString()).routing()).secret())
        .isEqualTo(key);
    Path shortKey = Files.writeString(dir.resolve("k3"), java.util.Base64.getUrlEncoder().encodeToString(new byte[31]));
    assertThatThrownBy(() -> parse("--jwt-encoded-secret-file", shortKey.toString())).hasMessage(
        "--jwt-encoded-secret-file=" + shortKey + ": HS256 needs a secret of at least 32 bytes (256 bits), found 31 decoded");
    Path notBase64 = Files.writeString(dir.resolve("k4"), "a+b/".repeat(20));
    assertThatThrownBy(() -> parse("--jwt-encoded-secret-file", notBase64.toString()))
        .hasMessage("--jwt-encoded-secret-file=" + notBase64 + ": not base64url (A-Z a-z 0-9 - _)");
    assertThatThrownBy(() -> parse("--jwt-encoded-secret-file", unpadded.toString(), "--jwt-secret-file",
        unpadded.toString())).hasMessage(
            "--jwt-encoded-secret-file: conflicts with --jwt-secret-file: choose one way of routing");
  }

  /** websockify's --unix-target: the static route to a VNC server on a Unix socket, with its session id. */
  @Test
  void unixTargetIsAStaticRoute() {
    assertThat(parse("--unix-target", "/run/vnc/desk.sock", "--session-id", "desk-1").routing())
        .isEqualTo(new Routing.Static("desk-1", new UnixSocketTarget(Path.of("/run/vnc/desk.sock"))));
    assertThatThrownBy(() -> parse("--unix-target", "/run/vnc/desk.sock"))
        .hasMessage("--session-id: missing: --unix-target needs --session-id");
    assertThatThrownBy(() -> parse("--unix-target", "/run/vnc/desk.sock", "--target", "127.0.0.1:5901",
        "--session-id", "s")).hasMessage("--unix-target: conflicts with --target: choose one target");
    assertThatThrownBy(() -> parse("--unix-target", "/run/vnc/desk.sock", "--session-id", "s", "--token-file",
        "/x")).hasMessage("--token-file: conflicts with --unix-target: choose one way of routing");
    assertThatThrownBy(() -> parse("--unix-target", " ", "--session-id", "s"))
        .hasMessage("--unix-target= : expected the path of a Unix domain socket");
  }

  @Test
  void defaultsWithAStaticRoute() throws UnknownHostException {
    ProxyConfig c = parse("--target", "127.0.0.1:5901", "--session-id", "desk-1");

    assertThat(c.routing()).isEqualTo(new Routing.Static("desk-1", new HostPort("127.0.0.1", 5901)));
    assertThat(c.tcpListen()).isEqualTo(new HostPort("127.0.0.1", 5900));
    assertThat(c.wsListen()).isEqualTo(new HostPort("127.0.0.1", 6080));
    assertThat(c.adminListen()).isEqualTo(new HostPort("127.0.0.1", 9090));
    assertThat(c.store()).isEqualTo(StoreMode.POSTGRES);
    assertThat(c.jdbcUrl()).isNull();
    assertThat(c.dataDir()).isEqualTo(Path.of("rfba-data"));
    assertThat(c.activeWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.persistInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.flushTick()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxConnections()).isEqualTo(10_000);
    assertThat(c.maxConnectionsPerIp()).isEqualTo(100);
    assertThat(c.maxConnectRatePerIp()).isEqualTo(20);
    assertThat(c.maxTokenLifetime()).isEqualTo(Duration.ofHours(24));
    assertThat(c.allowedOrigins()).isEmpty();
    assertThat(c.adminToken()).isNull();
    assertThat(c.tlsCert()).isNull();
    assertThat(c.inspect()).isTrue();
    assertThat(c.mirrorSql()).isNull();
    assertThat(c.replicaId()).as("the host name").isEqualTo(InetAddress.getLocalHost().getHostName()).isNotBlank();
    assertThat(c.blindPolicy()).isEqualTo(BlindPolicy.ACTIVE_WHILE_SENDING);
  }

  @Test
  void everyFlagIsRead() throws IOException {
    Path password = write("pw", "s3cret\n");
    Path adminToken = write("admin", "0123456789abcdef0123\n");
    Path tokens = write("tokens", "a: 10.0.0.1:5900\n");
    ProxyConfig c = parse(
        "--token-file", tokens.toString(),
        "--tcp-listen", "none",
        "--ws-listen", "0.0.0.0:7000",
        "--admin-listen", "[::1]:9191",
        "--jdbc-url", "jdbc:postgresql://db:5432/rfb",
        "--jdbc-user", "rfb",
        "--jdbc-password-file", password.toString(),
        "--store", "POSTGRES",
        "--data-dir", dir.toString(),
        "--mirror-sql", MIRROR,
        "--replica-id", "proxy-7.eu-west",
        "--blind-policy", "IDLE",
        "--active-window", "2m",
        "--persist-interval", "PT15S",
        "--flush-tick", "250ms",
        "--handshake-timeout", "3s",
        "--max-connections", "7",
        "--max-connections-per-ip", "0",
        "--max-connect-rate-per-ip", "3",
        "--allowed-origin", "https://App.Example.com/,http://localhost:8000",
        "--allowed-origin", "https://other.example",
        "--admin-token-file", adminToken.toString());

    assertThat(c.routing()).isEqualTo(new Routing.TokenFile(tokens));
    assertThat(c.tcpListen()).isNull();
    assertThat(c.wsListen()).isEqualTo(new HostPort("0.0.0.0", 7000));
    assertThat(c.adminListen()).isEqualTo(new HostPort("::1", 9191));
    assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/rfb");
    assertThat(c.jdbcUser()).isEqualTo("rfb");
    assertThat(c.jdbcPassword()).isEqualTo("s3cret");
    assertThat(c.dataDir()).isEqualTo(dir);
    assertThat(c.mirrorSql()).isEqualTo(MIRROR);
    assertThat(c.replicaId()).isEqualTo("proxy-7.eu-west");
    assertThat(c.blindPolicy()).isEqualTo(BlindPolicy.IDLE_WHILE_CONNECTED);
    assertThat(c.activeWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.persistInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.flushTick()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.maxConnections()).isEqualTo(7);
    assertThat(c.maxConnectionsPerIp()).as("0: no limit").isZero();
    assertThat(c.maxConnectRatePerIp()).isEqualTo(3);
    assertThat(c.allowedOrigins())
        .containsExactly("https://app.example.com", "http://localhost:8000", "https://other.example");
    assertThat(c.adminToken()).isEqualTo("0123456789abcdef0123");
  }

  @Test
  void environmentVariablesMirrorFlagsAndLoseToThem() {
    Map<String, String> env = Map.of(
        "RFBA_TARGET", "127.0.0.1:5902",
        "RFBA_SESSION_ID", "from-env",
        "RFBA_ACTIVE_WINDOW", "90s",
        "RFBA_STORE", "memory",
        "RFBA_REPLICA_ID", "replica-from-env",
        "RFBA_BLIND_POLICY", "idle");

    ProxyConfig c = parse(env, "--active-window", "75s", "--blind-policy", "active");

    assertThat(c.routing()).isEqualTo(new Routing.Static("from-env", new HostPort("127.0.0.1", 5902)));
    assertThat(c.store()).isEqualTo(StoreMode.MEMORY);
    assertThat(c.activeWindow()).isEqualTo(Duration.ofSeconds(75));
    assertThat(c.replicaId()).isEqualTo("replica-from-env");
    assertThat(c.blindPolicy()).isEqualTo(BlindPolicy.ACTIVE_WHILE_SENDING);
    assertThat(parse(Map.of("RFBA_TARGET", "127.0.0.1:5902", "RFBA_SESSION_ID", "s", "RFBA_MIRROR_SQL", MIRROR))
        .mirrorSql()).isEqualTo(MIRROR);
  }

  @Test
  void configFileSuppliesWhatFlagsAndEnvironmentDoNot() throws IOException {
    Path file = write("proxy.properties", String.join("\n",
        "# settings",
        "target = 127.0.0.1:5903",
        "session-id = from-file",
        "persist-interval = 45s",
        "flush-tick = 2s",
        "replica-id = replica-from-file",
        "blind-policy = idle",
        "mirror-sql = " + MIRROR,
        "allowed-origin = https://a.example, https://b.example"));

    ProxyConfig c = parse(Map.of("RFBA_FLUSH_TICK", "3s"), "--config", file.toString(), "--session-id", "from-flag");

    assertThat(c.routing()).isEqualTo(new Routing.Static("from-flag", new HostPort("127.0.0.1", 5903)));
    assertThat(c.persistInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.flushTick()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.replicaId()).isEqualTo("replica-from-file");
    assertThat(c.blindPolicy()).isEqualTo(BlindPolicy.IDLE_WHILE_CONNECTED);
    assertThat(c.mirrorSql()).isEqualTo(MIRROR);
    assertThat(c.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void configFileFromTheEnvironment() throws IOException {
    Path file = write("proxy.properties", "target=127.0.0.1:5904\nsession-id=s\n");

    ProxyConfig c = parse(Map.of("RFBA_CONFIG", file.toString()));

    assertThat(c.routing()).isEqualTo(new Routing.Static("s", new HostPort("127.0.0.1", 5904)));
  }

  @Test
  void unknownConfigFileKeyIsNamed() throws IOException {
    Path file = write("proxy.properties", "target=127.0.0.1:5904\nsession-id=s\ntcp-lisen=1.2.3.4:5\n");

    assertThatThrownBy(() -> parse("--config", file.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--config=" + file + ": unknown setting 'tcp-lisen' (keys are flag names without the dashes, "
            + "e.g. tcp-listen)");
  }

  @Test
  void missingConfigFile() {
    assertThatThrownBy(() -> parse("--config", dir.resolve("nope").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--config=" + dir.resolve("nope") + ": cannot read: NoSuchFileException");
  }

  @Test
  void unknownFlagIsNamed() {
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:5901", "--session-id", "s", "--tcp-lisen", "x"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--tcp-lisen: unknown option; did you mean --tcp-listen or --tcp-keepalive-idle or "
            + "--tcp-keepalive-interval or --tcp-keepalive-count? (see --help)");
  }

  @Test
  void missingRoute() {
    assertThatThrownBy(() -> parse())
        .isInstanceOf(ConfigException.class)
        .hasMessage("route: missing: give --target or --unix-target with --session-id, --token-file, --route-query, "
            + "--jwt-secret-file, --jwt-encoded-secret-file or --jwt-public-key");
  }

  @Test
  void targetNeedsSessionIdAndTheOtherWayRound() {
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:5901"))
        .hasMessage("--session-id: missing: --target needs --session-id");
    assertThatThrownBy(() -> parse("--session-id", "s"))
        .hasMessage("--target: missing: --session-id needs --target");
  }

  @Test
  void twoRoutingsConflict() throws IOException {
    Path tokens = write("tokens", "a: 10.0.0.1:5900\n");
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:5901", "--session-id", "s", "--token-file", tokens.toString()))
        .hasMessage("--token-file: conflicts with --target: choose one way of routing");
  }

  @Test
  void countSyntheticAddsSyntheticToTheCountedKinds() {
    String[] base = {"--target", "127.0.0.1:5901", "--session-id", "s"};
    Set<InputKind> byDefault = EnumSet.of(InputKind.KEY_PRESS, InputKind.POINTER_MOVE, InputKind.POINTER_BUTTON,
        InputKind.POINTER_WHEEL);
    ProxyConfig off = parse(base);
    assertThat(off.countSynthetic()).isFalse();
    assertThat(off.trackerSettings().build().countedKinds()).isEqualTo(byDefault);
    ProxyConfig on = parse(concat(base, "--count-synthetic", "true"));
    assertThat(on.countSynthetic()).isTrue();
    byDefault.add(InputKind.SYNTHETIC);
    assertThat(on.trackerSettings().build().countedKinds()).isEqualTo(byDefault);
    assertThat(parse(Map.of("RFBA_TARGET", "127.0.0.1:5902", "RFBA_SESSION_ID", "s", "RFBA_COUNT_SYNTHETIC", "TRUE"))
        .countSynthetic()).isTrue();
    assertThatThrownBy(() -> parse(concat(base, "--count-synthetic", "yes")))
        .hasMessage("--count-synthetic=yes: expected true or false");
  }

  @Test
  void malformedValuesNameTheSettingAndTheValue() {
    String[] base = {"--target", "127.0.0.1:5901", "--session-id", "s"};
    assertThatThrownBy(() -> parse(concat(base, "--active-window", "abc")))
        .hasMessage("--active-window=abc: expected a duration such as 500ms, 10s, 2m, 1h or PT10S");
    assertThatThrownBy(() -> parse(concat(base, "--persist-interval", "10 parsecs")))
        .hasMessage("--persist-interval=10 parsecs: unknown unit ' parsecs' (use ms, s, m or h)");
    assertThatThrownBy(() -> parse(concat(base, "--flush-tick", "0s")))
        .hasMessage("--flush-tick=0s: must be greater than zero");
    assertThatThrownBy(() -> parse(concat(base, "--max-connections", "many")))
        .hasMessage("--max-connections=many: expected a whole number");
    assertThatThrownBy(() -> parse(concat(base, "--max-connections", "0")))
        .hasMessage("--max-connections=0: must be at least 1");
    assertThatThrownBy(() -> parse(concat(base, "--max-connections-per-ip", "-1")))
        .hasMessage("--max-connections-per-ip=-1: must be 0 (no limit) or more");
    assertThatThrownBy(() -> parse(concat(base, "--max-connect-rate-per-ip", "fast")))
        .hasMessage("--max-connect-rate-per-ip=fast: expected a whole number");
    assertThatThrownBy(() -> parse(concat(base, "--ws-listen", "localhost")))
        .hasMessage("--ws-listen=localhost: expected HOST:PORT (write IPv6 addresses as [addr]:PORT)");
    assertThatThrownBy(() -> parse(concat(base, "--admin-listen", "127.0.0.1:70000")))
        .hasMessage("--admin-listen=127.0.0.1:70000: port must be 0..65535");
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:0", "--session-id", "s"))
        .hasMessage("--target=127.0.0.1:0: port must be 1..65535");
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:5901", "--session-id", "has space"))
        .hasMessage("--session-id=has space: expected 1..128 characters from A-Z a-z 0-9 - _ . ~ : @ + [ ]");
    assertThatThrownBy(() -> parse(concat(base, "--store", "redis")))
        .hasMessage("--store=redis: expected postgres or memory");
    assertThatThrownBy(() -> parse(concat(base, "--allowed-origin", "example.com")))
        .hasMessage("--allowed-origin=example.com: expected an origin like https://app.example.com[:PORT]");
    assertThatThrownBy(() -> parse(concat(base, "--jdbc-url", "jdbc:mysql://db/x?password=hunter2")))
        .hasMessage("--jdbc-url=jdbc:mysql://db/x?password=<masked>: expected jdbc:postgresql://HOST[:PORT]/DATABASE");
  }

  @Test
  void theThreeTrackerSettingsAreValidated() {
    String[] base = {"--target", "127.0.0.1:5901", "--session-id", "s"};
    assertThatThrownBy(() -> parse(concat(base, "--blind-policy", "sometimes")))
        .isInstanceOf(ConfigException.class).hasMessage("--blind-policy=sometimes: expected active or idle");
    assertThatThrownBy(() -> parse(concat(base, "--replica-id", "")))
        .hasMessage("--replica-id=: expected 1..128 characters without control characters");
    assertThatThrownBy(() -> parse(concat(base, "--replica-id", "r".repeat(129))))
        .hasMessage("--replica-id=" + "r".repeat(129) + ": expected 1..128 characters without control characters");
    assertThatThrownBy(() -> parse(concat(base, "--replica-id", "a\tb")))
        .hasMessage("--replica-id=a\tb: expected 1..128 characters without control characters");
    assertThatThrownBy(() -> parse(concat(base, "--mirror-sql", "UPDATE sessions SET last_activity = now()")))
        .hasMessage("--mirror-sql=UPDATE sessions SET last_activity = now(): must use :session_id");
    assertThatThrownBy(() -> parse(concat(base, "--mirror-sql", "UPDATE s SET t = :last_activity WHERE id = ?")))
        .hasMessageStartingWith("--mirror-sql=UPDATE s SET t = :last_activity WHERE id = ?: must not contain '?'");
    assertThatThrownBy(() -> parse(concat(base, "--mirror-sql", "UPDATE s SET t = :when WHERE id = :session_id")))
        .hasMessageStartingWith("--mirror-sql=UPDATE s SET t = :when WHERE id = :session_id: has unknown parameter :when");
    assertThatThrownBy(() -> parse(concat(base, "--store", "memory", "--mirror-sql", MIRROR)))
        .hasMessage("--mirror-sql: needs --store postgres (the mirror runs in the transaction that writes "
            + "last_activity)");
  }

  @Test
  void durationsHaveAnUpperBound() {
    String[] base = {"--target", "127.0.0.1:5901", "--session-id", "s"};
    // 3,000,000 h do not fit in a long of nanoseconds: accepted, they broke every connection at run time.
    assertThatThrownBy(() -> parse(concat(base, "--handshake-timeout", "3000000h")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--handshake-timeout=3000000h: must be at most 24h");
    assertThatThrownBy(() -> parse(concat(base, "--active-window", "25h")))
        .hasMessage("--active-window=25h: must be at most 24h");
    assertThat(parse(concat(base, "--active-window", "24h", "--handshake-timeout", "PT24H")).activeWindow())
        .isEqualTo(Duration.ofHours(24));
  }

  @Test
  void maxTokenLifetimeIsReadForJwtRoutingAndRefusedWithAnyOther() throws IOException {
    Path secret = write("secret", "0123456789abcdef0123456789abcdef\n");
    String[] jwt = {"--jwt-secret-file", secret.toString()};
    assertThat(parse(jwt).maxTokenLifetime()).as("the longest duration").isEqualTo(ProxySettings.MAX_DURATION)
        .isEqualTo(Duration.ofHours(24));
    assertThat(parse(concat(jwt, "--max-token-lifetime", "15m")).maxTokenLifetime()).isEqualTo(Duration.ofMinutes(15));
    assertThat(parse(Map.of("RFBA_MAX_TOKEN_LIFETIME", "2h"), jwt).maxTokenLifetime()).isEqualTo(Duration.ofHours(2));
    Path file = write("proxy.properties", "jwt-secret-file = " + secret + "\nmax-token-lifetime = PT90S\n");
    assertThat(parse("--config", file.toString()).maxTokenLifetime()).isEqualTo(Duration.ofSeconds(90));

    assertThatThrownBy(() -> parse(concat(jwt, "--max-token-lifetime", "forever")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--max-token-lifetime=forever: expected a duration such as 500ms, 10s, 2m, 1h or PT10S");
    assertThatThrownBy(() -> parse(concat(jwt, "--max-token-lifetime", "0s")))
        .hasMessage("--max-token-lifetime=0s: must be greater than zero");
    assertThatThrownBy(() -> parse(concat(jwt, "--max-token-lifetime", "25h")))
        .hasMessage("--max-token-lifetime=25h: must be at most 24h");

    // Silently ignored, it would make an operator believe tokens are bounded when they are not.
    Path tokens = write("tokens", "a: 10.0.0.1:5900\n");
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:5901", "--session-id", "s", "--max-token-lifetime", "1h"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("--max-token-lifetime=1h: applies only to JWT routing (--jwt-secret-file or --jwt-public-key)");
    assertThatThrownBy(() -> parse(Map.of("RFBA_MAX_TOKEN_LIFETIME", "PT30M"), "--token-file", tokens.toString()))
        .hasMessage("--max-token-lifetime=30m: applies only to JWT routing (--jwt-secret-file or --jwt-public-key)");
  }

  @Test
  void unreadableFilesAreNamed() {
    String missing = dir.resolve("missing").toString();
    assertThatThrownBy(() -> parse("--token-file", missing))
        .hasMessage("--token-file=" + missing + ": not a readable file or directory");
    assertThatThrownBy(() -> parse("--jwt-secret-file", missing))
        .hasMessage("--jwt-secret-file=" + missing + ": not a readable file");
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:5901", "--session-id", "s", "--jdbc-password-file", missing))
        .hasMessage("--jdbc-password-file=" + missing + ": not a readable file");
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:5901", "--session-id", "s", "--tls-cert", missing,
        "--tls-key", missing)).hasMessage("--tls-cert=" + missing + ": not a readable file");
    assertThatThrownBy(() -> parse("--target", "127.0.0.1:5901", "--session-id", "s", "--admin-token-file",
        dir.toString())).hasMessage("--admin-token-file=" + dir + ": not a readable file");
  }

  @Test
  void tcpFrontendNeedsTheStaticRoute() throws IOException {
    Path tokens = write("tokens", "a: 10.0.0.1:5900\n");

    assertThat(parse("--token-file", tokens.toString()).tcpListen()).as("off by default without --target").isNull();
    assertThatThrownBy(() -> parse("--token-file", tokens.toString(), "--tcp-listen", "127.0.0.1:5900"))
        .hasMessage("--tcp-listen=127.0.0.1:5900: raw TCP viewers cannot present a token, so the TCP frontend needs "
            + "--target with --session-id (or --tcp-listen none)");
  }

  @Test
  void revocationSettings() throws IOException {
    Path tokens = write("tokens", "a: 10.0.0.1:5900\n");
    ProxyConfig defaults = parse("--token-file", tokens.toString());
    assertThat(defaults.tokenFileCheck()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.closeOnTokenExpiry()).isTrue();
    assertThat(defaults.routeRecheck()).isEqualTo(Duration.ZERO);

    ProxyConfig given = parse(Map.of("RFBA_TOKEN_FILE_CHECK", "500ms"), "--token-file", tokens.toString());
    assertThat(given.tokenFileCheck()).isEqualTo(Duration.ofMillis(500));

    assertThatThrownBy(() -> parse("--token-file", tokens.toString(), "--token-file-check", "0"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("--token-file-check=0: ");
    Path secret = write("jwt-secret", "0123456789abcdef0123456789abcdef\n");
    assertThatThrownBy(() -> parse("--jwt-secret-file", secret.toString(), "--close-on-token-expiry", "yes"))
        .hasMessage("--close-on-token-expiry=yes: expected true or false");
    assertThat(parse("--jwt-secret-file", secret.toString(), "--close-on-token-expiry", "false").closeOnTokenExpiry())
        .isFalse();
    assertThat(parse("--jwt-secret-file", secret.toString()).closeOnTokenExpiry()).isTrue();
    assertThatThrownBy(() -> parse("--token-file", tokens.toString(), "--close-on-token-expiry", "true"))
        .hasMessage("--close-on-token-expiry=true: applies only to JWT routing (--jwt-secret-file or --jwt-public-key)");
    assertThatThrownBy(() -> parse("--jwt-secret-file", secret.toString(), "--token-file-check", "1s"))
        .hasMessage("--token-file-check=1s: applies only to --token-file routing");
    assertThatThrownBy(() -> parse("--token-file", tokens.toString(), "--route-recheck", "5s"))
        .hasMessage("--route-recheck=5s: applies only to --route-query routing");
    assertThatThrownBy(() -> parse("--token-file", tokens.toString(), "--route-recheck", "2d"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("--route-recheck=2d: ");
  }

  @Test
  void combinationsThatCannotWork() throws IOException {
    String[] base = {"--target", "127.0.0.1:5901", "--session-id", "s"};
    Path cert = write("cert.pem", "x");
    assertThatThrownBy(() -> parse(concat(base, "--tls-cert", cert.toString())))
        .hasMessage("--tls-key: --tls-cert and --tls-key go together");
    assertThatThrownBy(() -> parse(concat(base, "--tcp-listen", "none", "--ws-listen", "none")))
        .hasMessage("--ws-listen=none: at least one of --tcp-listen and --ws-listen is needed");
    assertThatThrownBy(() -> parse(concat(base, "--ws-listen", "127.0.0.1:9090")))
        .hasMessage("--admin-listen=127.0.0.1:9090: same address as --ws-listen");
    assertThatThrownBy(() -> parse(concat(base, "--active-window", "30s")))
        .hasMessage("--persist-interval=30s: must be shorter than --active-window (30s)");
    assertThatThrownBy(() -> parse(concat(base, "--persist-interval", "2s", "--flush-tick", "3s")))
        .hasMessage("--flush-tick=3s: must not be longer than --persist-interval (2s)");
    assertThatThrownBy(() -> parse(concat(base, "--jdbc-user", "rfb")))
        .hasMessage("--jdbc-user: needs --jdbc-url (the embedded database takes no credentials)");
    assertThatThrownBy(() -> parse(concat(base, "--store", "memory", "--jdbc-url", "jdbc:postgresql://db/rfb")))
        .hasMessage("--jdbc-url=jdbc:postgresql://db/rfb: has no use with --store memory and no --route-query");
    assertThatThrownBy(() -> parse("--route-query", "select host, port from t where token = ?", "--store", "memory"))
        .hasMessage("--route-query: needs a database: give --jdbc-url, or keep --store postgres for the embedded one");
  }

  @Test
  void jwtKeysAreChecked() throws IOException, NoSuchAlgorithmException {
    Path shortSecret = write("short", "too-short\n");
    assertThatThrownBy(() -> parse("--jwt-secret-file", shortSecret.toString()))
        .hasMessage("--jwt-secret-file=" + shortSecret + ": HS256 needs a secret of at least 32 bytes (256 bits), found 9");

    Path secret = write("secret", "0123456789abcdef0123456789abcdef\n");
    assertThat(parse("--jwt-secret-file", secret.toString()).routing())
        .isEqualTo(new Routing.JwtHs256("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));

    Path notPem = write("key.pem", "hello");
    assertThatThrownBy(() -> parse("--jwt-public-key", notPem.toString()))
        .hasMessage("--jwt-public-key=" + notPem + ": expected a PEM block '-----BEGIN PUBLIC KEY-----'");

    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(1024);
    Path weak = write("weak.pem", pem(gen.generateKeyPair().getPublic().getEncoded()));
    assertThatThrownBy(() -> parse("--jwt-public-key", weak.toString()))
        .hasMessage("--jwt-public-key=" + weak + ": RSA key has 1024 bits; at least 2048 are required");

    gen.initialize(2048);
    Path good = write("good.pem", pem(gen.generateKeyPair().getPublic().getEncoded()));
    assertThat(parse("--jwt-public-key", good.toString()).routing()).isInstanceOf(Routing.JwtRs256.class);
  }

  @Test
  void secretsAreMaskedInToString() throws IOException {
    Path password = write("pw", "s3cret-password\n");
    Path adminToken = write("admin", "admin-token-0123456789\n");
    ProxyConfig c = parse("--target", "127.0.0.1:5901", "--session-id", "s",
        "--jdbc-url", "jdbc:postgresql://db/rfb?password=inline-secret", "--jdbc-password-file", password.toString(),
        "--admin-token-file", adminToken.toString());

    assertThat(c.toString())
        .doesNotContain("s3cret-password", "admin-token-0123456789", "inline-secret")
        .contains("jdbcPassword=<masked>", "adminToken=<masked>", "password=<masked>");
  }

  @Test
  void helpListsEveryFlagWithItsDefaultAndEnvironmentVariable() {
    ProxyCommand.Parsed parsed = ProxyCommand.parse(new String[] {"--help"}, Map.of());

    assertThat(parsed.isHelpOrVersion()).isTrue();
    String help = parsed.helpOrVersion();
    String[] flags = {"--config", "--tcp-listen", "--ws-listen", "--admin-listen", "--target", "--unix-target", "--session-id",
        "--token-file", "--jwt-secret-file", "--jwt-public-key", "--max-token-lifetime", "--route-query", "--jdbc-url", "--jdbc-user",
        "--jdbc-password-file", "--store", "--data-dir", "--active-window", "--persist-interval", "--flush-tick",
        "--handshake-timeout", "--max-connections", "--max-connections-per-ip", "--max-connect-rate-per-ip",
        "--tls-cert", "--tls-key", "--allowed-origin",
        "--admin-token-file", "--mirror-sql", "--replica-id", "--blind-policy", "--help", "--version"};
    for (String flag : flags) {
      assertThat(help).contains(flag);
      if (!flag.equals("--help") && !flag.equals("--version")) {
        assertThat(help.replaceAll("\\s+", " ")).contains(Setting.envName(flag.substring(2)));
      }
    }
    assertThat(help.replaceAll("\\s+", " ")).contains(
        "Default: 127.0.0.1:6080", "Default: 127.0.0.1:9090", "Default: postgres", "Default: rfba-data",
        "Default: 60s", "Default: 30s", "Default: 1s", "Default: 10s", "Default: 10000", "Default: 100",
        "Default: 20",
        "Default: 127.0.0.1:5900 with --target or --unix-target, else none", "Default: the host name", "Default: active",
        "Default: 24h, the longest duration");
  }

  @Test
  void version() {
    ProxyCommand.Parsed parsed = ProxyCommand.parse(new String[] {"--version"}, Map.of());
    assertThat(parsed.helpOrVersion()).startsWith("rfb-activity-proxy ");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private static String pem(byte[] der) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
  }

  private static String[] concat(String[] a, String... b) {
    String[] c = new String[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
