package org.rfbactivity.proxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rfbactivity.activity.ActivitySettings;
import org.rfbactivity.activity.BlindPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line. Every flag has an environment variable ({@code RFBA_} + the flag in upper snake case) and
 * a config-file key (the flag without dashes); precedence is flag, environment, file, built-in default.
 * Values are kept as text here and converted by {@link #toConfig()}, so every bad value gets the same kind of
 * message: the flag, the value, and what was expected.
 */
@Command(
    name = "rfb-activity-proxy",
    mixinStandardHelpOptions = true,
    versionProvider = ProxyCommand.Version.class,
    sortOptions = false,
    usageHelpWidth = 110,
    abbreviateSynopsis = true,
    showDefaultValues = true,
    description = {
        "A VNC (RFB) proxy for native viewers (raw TCP) and noVNC (WebSocket) that tracks whether each "
            + "session is ACTIVE, CONNECTED_IDLE or DISCONNECTED from real keyboard and pointer input.",
        "",
        "Every flag can also be set by an environment variable (RFBA_ + the flag in upper snake case, e.g. "
            + "RFBA_TCP_LISTEN) or a --config file key (the flag without dashes, e.g. tcp-listen). "
            + "Precedence: flag, environment, file, default. Durations: 500ms, 10s, 2m, 1h or PT10S, "
            + "at most 24h.",
        ""})
public final class ProxyCommand {

  static final String NONE = "none";

  @Option(names = "--config", paramLabel = "FILE",
      description = "Java properties file with settings (RFBA_CONFIG).")
  String configFile;

  @Option(names = "--tcp-listen", paramLabel = "HOST:PORT|none",
      description = "Raw TCP listener for native VNC viewers (RFBA_TCP_LISTEN).%n"
          + "Default: 127.0.0.1:5900 with --target, else none (a raw TCP viewer cannot present a token).")
  String tcpListen;

  @Option(names = "--ws-listen", paramLabel = "HOST:PORT|none", defaultValue = "127.0.0.1:6080",
      description = "WebSocket listener for noVNC, paths /websockify and /vnc/{id} (RFBA_WS_LISTEN).")
  String wsListen;

  @Option(names = "--admin-listen", paramLabel = "HOST:PORT|none", defaultValue = "127.0.0.1:9090",
      description = "Admin HTTP: /api/sessions, /metrics, /healthz, /readyz (RFBA_ADMIN_LISTEN).")
  String adminListen;

  @Option(names = "--target", paramLabel = "HOST:PORT",
      description = "Static route: the VNC server every viewer is sent to; needs --session-id (RFBA_TARGET).")
  String target;

  @Option(names = "--session-id", paramLabel = "ID",
      description = "Session id of the static route (RFBA_SESSION_ID).")
  String sessionId;

  @Option(names = "--token-file", paramLabel = "PATH",
      description = "Route by ?token= through a websockify-format file of 'token: host:port' lines, reloaded "
          + "when it changes (RFBA_TOKEN_FILE).")
  String tokenFile;

  @Option(names = "--jwt-secret-file", paramLabel = "PATH",
      description = "Route by a ?token= JWT signed HS256 with the secret in this file, at least 32 bytes "
          + "(RFBA_JWT_SECRET_FILE).")
  String jwtSecretFile;

  @Option(names = "--jwt-public-key", paramLabel = "PATH",
      description = "Route by a ?token= JWT signed RS256; PEM public key, at least 2048 bits (RFBA_JWT_PUBLIC_KEY).")
  String jwtPublicKey;

  @Option(names = "--max-token-lifetime", paramLabel = "DURATION",
      description = "JWT routing: refuse a token whose exp lies further ahead than this, or whose exp - iat exceeds "
          + "it (RFBA_MAX_TOKEN_LIFETIME).%nDefault: " + ProxyConfig.MAX_DURATION_HOURS + "h, the longest duration.")
  String maxTokenLifetime;

  @Option(names = "--route-query", paramLabel = "SQL",
      description = "Route by a SQL query with one ? (the token, else the /vnc/{id} id) returning columns host, "
          + "port and optionally session_id (RFBA_ROUTE_QUERY).")
  String routeQuery;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "External PostgreSQL, jdbc:postgresql://HOST:PORT/DB; without it an embedded PostgreSQL "
          + "runs in --data-dir (RFBA_JDBC_URL).")
  String jdbcUrl;

  @Option(names = "--jdbc-user", paramLabel = "USER", description = "Database user (RFBA_JDBC_USER).")
  String jdbcUser;

  @Option(names = "--jdbc-password-file", paramLabel = "PATH",
      description = "File holding the database password (RFBA_JDBC_PASSWORD_FILE).")
  String jdbcPasswordFile;

  @Option(names = "--store", paramLabel = "postgres|memory", defaultValue = "postgres",
      description = "Where session state is kept: PostgreSQL, or memory only (RFBA_STORE).")
  String store;

  @Option(names = "--data-dir", paramLabel = "PATH", defaultValue = "rfba-data",
      description = "Directory of the embedded PostgreSQL, used when there is no --jdbc-url (RFBA_DATA_DIR).")
  String dataDir;

  @Option(names = "--mirror-sql", paramLabel = "SQL",
      description = "Also run this statement in the transaction of every last_activity write, with the named "
          + "parameters :session_id and :last_activity (UTC), to keep a host platform's own column current, e.g. "
          + "UPDATE sessions SET last_activity = GREATEST(last_activity, :last_activity) WHERE id = :session_id; "
          + "needs --store postgres; checked against the database at start (RFBA_MIRROR_SQL).")
  String mirrorSql;

  @Option(names = "--replica-id", paramLabel = "ID",
      description = "This proxy's name in the viewer rows of a database that several proxies share; unique per "
          + "proxy, 1.." + ActivitySettings.MAX_REPLICA_ID_LENGTH + " characters (RFBA_REPLICA_ID).%n"
          + "Default: the host name.")
  String replicaId;

  @Option(names = "--active-window", paramLabel = "DURATION", defaultValue = "60s",
      description = "A session is ACTIVE while its newest counted input is younger than this (RFBA_ACTIVE_WINDOW).")
  String activeWindow;

  @Option(names = "--persist-interval", paramLabel = "DURATION", defaultValue = "30s",
      description = "While ACTIVE, last_activity is written at most once per interval (RFBA_PERSIST_INTERVAL).")
  String persistInterval;

  @Option(names = "--flush-tick", paramLabel = "DURATION", defaultValue = "1s",
      description = "How often due state changes are written to the store (RFBA_FLUSH_TICK).")
  String flushTick;

  @Option(names = "--blind-policy", paramLabel = "active|idle", defaultValue = "active",
      description = "How a viewer whose stream cannot be read (encrypted, unknown protocol) counts: active while "
          + "connected, or idle once the active window since its last readable activity has passed "
          + "(RFBA_BLIND_POLICY).")
  String blindPolicy;

  @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "Time from accept until the RFB handshake is done (WebSocket upgrade, route, connect, "
          + "security, ClientInit); an interactive password prompt must fit in it (RFBA_HANDSHAKE_TIMEOUT).")
  String handshakeTimeout;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000",
      description = "Viewer connections open at once, TCP and WebSocket together (RFBA_MAX_CONNECTIONS).")
  String maxConnections;

  @Option(names = "--max-connections-per-ip", paramLabel = "N", defaultValue = "100",
      description = "Viewer connections open at once from one client address (an IPv4 address or an IPv6 /64); 0 "
          + "for no limit, e.g. behind a load balancer that hides client addresses (RFBA_MAX_CONNECTIONS_PER_IP).")
  String maxConnectionsPerIp;

  @Option(names = "--max-connect-rate-per-ip", paramLabel = "N", defaultValue = "20",
      description = "New viewer connections per second from one client address, with bursts of twice that; 0 for "
          + "no limit. While per-address limits are on, an address that fails authentication 5 times is refused for "
          + "10 s, doubling with each repeat (RFBA_MAX_CONNECT_RATE_PER_IP).")
  String maxConnectRatePerIp;

  @Option(names = "--tls-cert", paramLabel = "PATH",
      description = "PEM certificate chain: both frontends then speak TLS (RFBA_TLS_CERT).")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "PATH",
      description = "PEM PKCS#8 private key for --tls-cert (RFBA_TLS_KEY).")
  String tlsKey;

  @Option(names = "--allowed-origin", paramLabel = "ORIGIN", split = ",", showDefaultValue = Visibility.NEVER,
      description = "Origin (scheme://host[:port]) allowed to open a WebSocket; repeat or comma-separate. "
          + "Without any, only pages from the proxy's own IP address or localhost (and clients sending no Origin) "
          + "may; a reverse proxy's name must be listed (RFBA_ALLOWED_ORIGIN).")
  List<String> allowedOrigins = new ArrayList<>();

  @Option(names = "--admin-token-file", paramLabel = "PATH",
      description = "File holding a bearer token required by the admin port, except /healthz and /readyz "
          + "(RFBA_ADMIN_TOKEN_FILE).")
  String adminTokenFile;

  /** The outcome of parsing: a configuration, or a request for help or the version (already rendered). */
  public record Parsed(ProxyConfig config, String helpOrVersion) {
    public boolean isHelpOrVersion() {
      return helpOrVersion != null;
    }
  }

  /**
   * Parses the arguments with the given environment (tests pass a map; {@code Main} passes {@code System.getenv()}).
   *
   * @throws ConfigException for any bad flag, value, file or combination
   */
  public static Parsed parse(String[] args, Map<String, String> env) {
    ProxyCommand command = new ProxyCommand();
    CommandLine cli = new CommandLine(command);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    String config = findConfigFile(args, env);
    cli.setDefaultValueProvider(SettingsDefaults.load(cli.getCommandSpec(), env,
        config == null ? null : Path.of(config)));
    try {
      cli.parseArgs(args);
    } catch (UnmatchedArgumentException e) {
      String unknown = e.getUnmatched().isEmpty() ? "command line" : e.getUnmatched().get(0);
      List<String> suggestions = e.getSuggestions();
      throw new ConfigException(unknown, null, "unknown option"
          + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?")
          + " (see --help)", e);
    } catch (ParameterException e) {
      throw new ConfigException(offendingSetting(e), null, e.getMessage() + " (see --help)", e);
    }
    if (cli.isUsageHelpRequested()) {
      return new Parsed(null, cli.getUsageMessage());
    }
    if (cli.isVersionHelpRequested()) {
      return new Parsed(null, String.join(System.lineSeparator(), new Version().getVersion()) + System.lineSeparator());
    }
    return new Parsed(command.toConfig(), null);
  }

  private static String offendingSetting(ParameterException e) {
    if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec option) {
      return option.longestName();
    }
    return "command line";
  }

  /** {@code --config} must be known before parsing, because the file supplies defaults for the other flags. */
  private static String findConfigFile(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith("--config=")) {
        return args[i].substring("--config=".length());
      }
    }
    return env.get(SettingsDefaults.ENV_PREFIX + "CONFIG");
  }

  /** Converts and validates every value; the first problem found is thrown. */
  ProxyConfig toConfig() {
    ProxyConfig.Builder b = ProxyConfig.builder();
    Routing routing = routing();
    b.routing(routing);
    String tcp = tcpListen != null ? tcpListen : routing instanceof Routing.Static ? "127.0.0.1:5900" : NONE;
    b.tcpListen(listen("--tcp-listen", tcp));
    b.wsListen(listen("--ws-listen", wsListen));
    b.adminListen(listen("--admin-listen", adminListen));
    b.store(storeMode());
    b.jdbcUrl(blankToNull(jdbcUrl));
    b.jdbcUser(blankToNull(jdbcUser));
    if (jdbcPasswordFile != null) {
      b.jdbcPassword(readSecret("--jdbc-password-file", jdbcPasswordFile, 1));
    }
    b.dataDir(Path.of(dataDir));
    if (mirrorSql != null) {
      b.mirrorSql(mirrorSql);
    }
    if (replicaId != null) {
      b.replicaId(replicaId);
    }
    b.blindPolicy(blindPolicy());
    b.activeWindow(duration("--active-window", activeWindow));
    b.persistInterval(duration("--persist-interval", persistInterval));
    b.flushTick(duration("--flush-tick", flushTick));
    b.handshakeTimeout(duration("--handshake-timeout", handshakeTimeout));
    b.maxConnections(positiveInt("--max-connections", maxConnections));
    b.maxConnectionsPerIp(nonNegativeInt("--max-connections-per-ip", maxConnectionsPerIp));
    b.maxConnectRatePerIp(nonNegativeInt("--max-connect-rate-per-ip", maxConnectRatePerIp));
    if (maxTokenLifetime != null) {
      b.maxTokenLifetime(duration("--max-token-lifetime", maxTokenLifetime));
    }
    if (tlsCert != null || tlsKey != null) {
      b.tls(tlsCert == null ? null : readableFile("--tls-cert", tlsCert),
          tlsKey == null ? null : readableFile("--tls-key", tlsKey));
    }
    for (String origin : allowedOrigins) {
      if (!origin.isBlank()) {
        b.allowedOrigin(origin);
      }
    }
    if (adminTokenFile != null) {
      b.adminToken(readSecret("--admin-token-file", adminTokenFile, 16));
    }
    return b.build();
  }

  private Routing routing() {
    List<String> given = new ArrayList<>();
    if (target != null || sessionId != null) {
      given.add(target != null ? "--target" : "--session-id");
    }
    if (tokenFile != null) {
      given.add("--token-file");
    }
    if (jwtSecretFile != null) {
      given.add("--jwt-secret-file");
    }
    if (jwtPublicKey != null) {
      given.add("--jwt-public-key");
    }
    if (routeQuery != null) {
      given.add("--route-query");
    }
    if (given.size() > 1) {
      throw new ConfigException(given.get(1), null, "conflicts with " + given.get(0) + ": choose one way of routing");
    }
    if (target != null || sessionId != null) {
      if (target == null) {
        throw new ConfigException("--target", null, "missing: --session-id needs --target");
      }
      if (sessionId == null) {
        throw new ConfigException("--session-id", null, "missing: --target needs --session-id");
      }
      if (!SessionIds.isValid(sessionId)) {
        throw new ConfigException("--session-id", sessionId, "expected 1.." + SessionIds.MAX_LENGTH
            + " characters from A-Z a-z 0-9 - _ . ~ : @ + [ ]");
      }
      return new Routing.Static(sessionId, hostPort("--target", target, false));
    }
    if (tokenFile != null) {
      return new Routing.TokenFile(readableFile("--token-file", tokenFile));
    }
    if (jwtSecretFile != null) {
      String secret = readSecret("--jwt-secret-file", jwtSecretFile, 0);
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      if (bytes.length < 32) {
        throw new ConfigException("--jwt-secret-file", jwtSecretFile,
            "HS256 needs a secret of at least 32 bytes (256 bits), found " + bytes.length);
      }
      return new Routing.JwtHs256(bytes);
    }
    if (jwtPublicKey != null) {
      Path key = readableFile("--jwt-public-key", jwtPublicKey);
      return new Routing.JwtRs256(PemKeys.readRsaPublicKey("--jwt-public-key", key));
    }
    if (routeQuery != null) {
      if (routeQuery.isBlank()) {
        throw new ConfigException("--route-query", "", "must not be empty");
      }
      return new Routing.RouteQuery(routeQuery.trim());
    }
    return null;
  }

  private StoreMode storeMode() {
    try {
      return StoreMode.valueOf(store.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--store", store, "expected postgres or memory");
    }
  }

  private BlindPolicy blindPolicy() {
    switch (blindPolicy.trim().toLowerCase(Locale.ROOT)) {
      case "active":
        return BlindPolicy.ACTIVE_WHILE_SENDING;
      case "idle":
        return BlindPolicy.IDLE_WHILE_CONNECTED;
      default:
        throw new ConfigException("--blind-policy", blindPolicy, "expected active or idle");
    }
  }

  private static HostPort listen(String flag, String value) {
    if (value == null || value.trim().equalsIgnoreCase(NONE)) {
      return null;
    }
    return hostPort(flag, value, true);
  }

  private static HostPort hostPort(String flag, String value, boolean allowAnyPort) {
    try {
      return HostPort.parse(value, allowAnyPort);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(flag, value, e.getMessage());
    }
  }

  private static Duration duration(String flag, String value) {
    try {
      return Durations.parsePositive(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(flag, value, e.getMessage());
    }
  }

  private static int positiveInt(String flag, String value) {
    return wholeNumber(flag, value, 1, "must be at least 1");
  }

  private static int nonNegativeInt(String flag, String value) {
    return wholeNumber(flag, value, 0, "must be 0 (no limit) or more");
  }

  private static int wholeNumber(String flag, String value, int min, String belowMin) {
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(flag, value, "expected a whole number");
    }
    if (n < min) {
      throw new ConfigException(flag, value, belowMin);
    }
    return n;
  }

  static Path readableFile(String flag, String value) {
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(flag, value, "not a readable file");
    }
    return path;
  }

  /** Reads a one-line secret file; the trailing line break an editor adds is not part of the secret. */
  private static String readSecret(String flag, String value, int minLength) {
    Path path = readableFile(flag, value);
    String secret;
    try {
      secret = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(flag, value, "cannot read: " + e.getClass().getSimpleName());
    }
    secret = secret.endsWith("\r\n") ? secret.substring(0, secret.length() - 2)
        : secret.endsWith("\n") ? secret.substring(0, secret.length() - 1) : secret;
    if (secret.isEmpty()) {
      throw new ConfigException(flag, value, "file is empty");
    }
    if (secret.length() < minLength) {
      throw new ConfigException(flag, value, "must hold at least " + minLength + " characters");
    }
    return secret;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Reads the version Maven wrote into the jar manifest; "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ProxyCommand.class.getPackage().getImplementationVersion();
      return new String[] {"rfb-activity-proxy " + (v == null ? "development" : v)};
    }
  }
}
