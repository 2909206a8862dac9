package org.rfbactivity.proxy.config;

import static org.rfbactivity.proxy.config.ProxySettings.ADMIN_LISTEN;
import static org.rfbactivity.proxy.config.ProxySettings.ADMIN_TOKEN_FILE;
import static org.rfbactivity.proxy.config.ProxySettings.ALLOWED_ORIGIN;
import static org.rfbactivity.proxy.config.ProxySettings.ACTIVE_WINDOW;
import static org.rfbactivity.proxy.config.ProxySettings.BLIND_POLICY;
import static org.rfbactivity.proxy.config.ProxySettings.COUNT_SYNTHETIC;
import static org.rfbactivity.proxy.config.ProxySettings.CONFIG;
import static org.rfbactivity.proxy.config.ProxySettings.DATA_DIR;
import static org.rfbactivity.proxy.config.ProxySettings.FLUSH_TICK;
import static org.rfbactivity.proxy.config.ProxySettings.HANDSHAKE_TIMEOUT;
import static org.rfbactivity.proxy.config.ProxySettings.JDBC_PASSWORD_FILE;
import static org.rfbactivity.proxy.config.ProxySettings.JDBC_URL;
import static org.rfbactivity.proxy.config.ProxySettings.JDBC_USER;
import static org.rfbactivity.proxy.config.ProxySettings.JWT_PUBLIC_KEY;
import static org.rfbactivity.proxy.config.ProxySettings.JWT_ENCODED_SECRET_FILE;
import static org.rfbactivity.proxy.config.ProxySettings.JWT_SECRET_FILE;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_CONNECTIONS;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_CONNECTIONS_PER_IP;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_CONNECT_RATE_PER_IP;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_TOKEN_LIFETIME;
import static org.rfbactivity.proxy.config.ProxySettings.MIRROR_SQL;
import static org.rfbactivity.proxy.config.ProxySettings.NOTIFY_CHANNEL;
import static org.rfbactivity.proxy.config.ProxySettings.CONTROL_CHANNEL;
import static org.rfbactivity.proxy.config.ProxySettings.RETAINED_SESSIONS;
import static org.rfbactivity.proxy.config.ProxySettings.IDLE_DISCONNECT;
import static org.rfbactivity.proxy.config.ProxySettings.IDLE_WARNING;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_SESSION_DURATION;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_DURATION_WARNING;
import static org.rfbactivity.proxy.config.ProxySettings.BLIND_MAX_DURATION;
import static org.rfbactivity.proxy.config.ProxySettings.INPUT_PERMISSIONS;
import static org.rfbactivity.proxy.config.ProxySettings.VIEW_ONLY;
import static org.rfbactivity.proxy.config.ProxySettings.PERSIST_INTERVAL;
import static org.rfbactivity.proxy.config.ProxySettings.REPLICA_ID;
import static org.rfbactivity.proxy.config.ProxySettings.ROUTE_QUERY;
import static org.rfbactivity.proxy.config.ProxySettings.SESSION_ID;
import static org.rfbactivity.proxy.config.ProxySettings.STORE;
import static org.rfbactivity.proxy.config.ProxySettings.TARGET;
import static org.rfbactivity.proxy.config.ProxySettings.UNIX_TARGET;
import static org.rfbactivity.proxy.config.ProxySettings.TCP_LISTEN;
import static org.rfbactivity.proxy.config.ProxySettings.TLS_CERT;
import static org.rfbactivity.proxy.config.ProxySettings.WEB;
import static org.rfbactivity.proxy.config.ProxySettings.TLS_KEY;
import static org.rfbactivity.proxy.config.ProxySettings.TOKEN_FILE;
import static org.rfbactivity.proxy.config.ProxySettings.TCP_KEEPALIVE_COUNT;
import static org.rfbactivity.proxy.config.ProxySettings.TCP_KEEPALIVE_IDLE;
import static org.rfbactivity.proxy.config.ProxySettings.TCP_KEEPALIVE_INTERVAL;
import static org.rfbactivity.proxy.config.ProxySettings.SPLICE;
import static org.rfbactivity.proxy.config.ProxySettings.TRANSPORT;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_EVENTS;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_QUEUE;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_SECRET_FILE;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_TIMEOUT;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_URL;
import static org.rfbactivity.proxy.config.ProxySettings.WS_LISTEN;
import static org.rfbactivity.proxy.config.ProxySettings.WS_PING_INTERVAL;
import static org.rfbactivity.proxy.config.ProxySettings.WS_PONG_TIMEOUT;
import static org.rfbactivity.proxy.config.ProxySettings.TOKEN_FILE_CHECK;
import static org.rfbactivity.proxy.config.ProxySettings.CLOSE_ON_TOKEN_EXPIRY;
import static org.rfbactivity.proxy.config.ProxySettings.ROUTE_RECHECK;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line, built from {@link ProxySettings}: one option per setting, its help text and default from there.
 * Every flag has an environment variable and a config-file key ({@link SettingsDefaults}); precedence is flag,
 * environment, file, built-in default. picocli keeps values as text; {@link #toConfig} turns them into values with
 * each setting's parser, so every bad value gets the same kind of message: the flag, the value, and what was expected.
 */
public final class ProxyCommand {

  private final CommandSpec spec;

  private ProxyCommand(CommandSpec spec) {
    this.spec = spec;
  }

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
    ProxyCommand command = new ProxyCommand(commandSpec());
    CommandLine cli = new CommandLine(command.spec);
    String config = findConfigFile(args, env);
    cli.setDefaultValueProvider(SettingsDefaults.load(env, config == null ? null : Path.of(config)));
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
    if (e.getArgSpec() instanceof OptionSpec option) {
      return option.longestName();
    }
    return "command line";
  }

  /** {@code --config} must be known before parsing, because the file supplies defaults for the other flags. */
  private static String findConfigFile(String[] args, Map<String, String> env) {
    String flag = CONFIG.flag();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(flag) && i + 1 < args.length) {
        return args[i + 1];
      }
      if (args[i].startsWith(flag + "=")) {
        return args[i].substring(flag.length() + 1);
      }
    }
    return env.get(CONFIG.envVar());
  }

  /** The options in {@link ProxySettings#ALL}'s order, then --help and --version. */
  static CommandSpec commandSpec() {
    CommandSpec spec = CommandSpec.create().name("rfb-activity-proxy").versionProvider(new Version());
    spec.usageMessage().sortOptions(false).width(110).abbreviateSynopsis(true).showDefaultValues(true).description(
        "A VNC (RFB) proxy for native viewers (raw TCP) and noVNC (WebSocket) that tracks whether each "
            + "session is ACTIVE, CONNECTED_IDLE or DISCONNECTED from real keyboard and pointer input.",
        "",
        "Every flag can also be set by an environment variable (" + Setting.ENV_PREFIX + " + the flag in upper snake "
            + "case, e.g. " + TCP_LISTEN.envVar() + ") or a " + CONFIG.flag() + " file key (the flag without dashes, "
            + "e.g. " + TCP_LISTEN.name() + "). Precedence: flag, environment, file, default. Durations: 500ms, 10s, "
            + "2m, 1h or PT10S, at most " + Durations.format(ProxySettings.MAX_DURATION) + ".",
        "");
    for (Setting<?> setting : ProxySettings.ALL) {
      spec.addOption(option(setting));
    }
    spec.mixinStandardHelpOptions(true);
    return spec;
  }

  private static OptionSpec option(Setting<?> setting) {
    OptionSpec.Builder option = OptionSpec.builder(setting.flag()).paramLabel(setting.paramLabel())
        .description(setting.helpDescription());
    if (setting.repeatable()) {
      // Never shown: a list has no built-in default, and one from the environment or a file is no default to show.
      option.type(List.class).auxiliaryTypes(String.class).splitRegex(",").showDefaultValue(Visibility.NEVER);
    } else {
      option.type(String.class);
    }
    if (setting.switchFlag()) {
      option.arity("0..1").fallbackValue("true");
    }
    if (setting.defaultText() != null) {
      option.defaultValue(setting.defaultText());
    }
    return option.build();
  }

  /** The text given for a setting (flag, environment, file or default), or null. */
  private String text(Setting<?> setting) {
    return spec.findOption(setting.flag()).getValue();
  }

  /** The value of a setting that was given, or null when it was not (or its text means "not set"). */
  private <T> T value(Setting<T> setting) {
    String text = text(setting);
    return text == null ? null : setting.parse(text);
  }

  private List<String> texts(Setting<?> repeatable) {
    List<String> texts = spec.findOption(repeatable.flag()).getValue();
    return texts == null ? List.of() : texts;
  }

  /** Converts every value given; {@link ProxyConfig.Builder#build()} checks them. The first problem found is thrown. */
  ProxyConfig toConfig() {
    ProxyConfig.Builder b = ProxyConfig.builder();
    b.routing(routing());
    if (text(TCP_LISTEN) != null) {
      b.tcpListen(value(TCP_LISTEN));
    }
    b.wsListen(value(WS_LISTEN));
    b.adminListen(value(ADMIN_LISTEN));
    b.store(value(STORE));
    b.jdbcUrl(value(JDBC_URL));
    b.jdbcUser(value(JDBC_USER));
    b.jdbcPassword(value(JDBC_PASSWORD_FILE));
    b.dataDir(value(DATA_DIR));
    b.mirrorSql(value(MIRROR_SQL));
    b.notifyChannel(value(NOTIFY_CHANNEL));
    b.controlChannel(value(CONTROL_CHANNEL));
    b.retainedSessions(value(RETAINED_SESSIONS));
    b.idleDisconnect(value(IDLE_DISCONNECT));
    b.idleWarning(value(IDLE_WARNING));
    b.maxSessionDuration(value(MAX_SESSION_DURATION));
    b.maxDurationWarning(value(MAX_DURATION_WARNING));
    b.blindMaxDuration(value(BLIND_MAX_DURATION));
    b.viewOnly(value(VIEW_ONLY));
    b.inputPermissions(value(INPUT_PERMISSIONS));
    b.replicaId(value(REPLICA_ID));
    b.blindPolicy(value(BLIND_POLICY));
    b.countSynthetic(value(COUNT_SYNTHETIC));
    b.activeWindow(value(ACTIVE_WINDOW));
    b.persistInterval(value(PERSIST_INTERVAL));
    b.flushTick(value(FLUSH_TICK));
    b.handshakeTimeout(value(HANDSHAKE_TIMEOUT));
    b.maxConnections(value(MAX_CONNECTIONS));
    b.maxConnectionsPerIp(value(MAX_CONNECTIONS_PER_IP));
    b.maxConnectRatePerIp(value(MAX_CONNECT_RATE_PER_IP));
    b.transport(value(TRANSPORT));
    b.splice(value(SPLICE));
    b.wsPingInterval(value(WS_PING_INTERVAL));
    b.wsPongTimeout(value(WS_PONG_TIMEOUT));
    b.tcpKeepAliveIdle(value(TCP_KEEPALIVE_IDLE));
    b.tcpKeepAliveInterval(value(TCP_KEEPALIVE_INTERVAL));
    b.tcpKeepAliveCount(value(TCP_KEEPALIVE_COUNT));
    b.maxTokenLifetime(value(MAX_TOKEN_LIFETIME));
    b.tokenFileCheck(value(TOKEN_FILE_CHECK));
    b.closeOnTokenExpiry(value(CLOSE_ON_TOKEN_EXPIRY));
    b.routeRecheck(value(ROUTE_RECHECK));
    if (text(TLS_CERT) != null || text(TLS_KEY) != null) {
      b.tls(value(TLS_CERT), value(TLS_KEY));
    }
    for (String origin : texts(ALLOWED_ORIGIN)) {
      if (!origin.isBlank()) {
        b.allowedOrigin(ALLOWED_ORIGIN.parse(origin));
      }
    }
    b.web(value(WEB));
    b.adminToken(value(ADMIN_TOKEN_FILE));
    for (String url : texts(WEBHOOK_URL)) {
      if (!url.isBlank()) {
        b.webhookUrl(WEBHOOK_URL.parse(url));
      }
    }
    b.webhookSecret(value(WEBHOOK_SECRET_FILE));
    for (String type : texts(WEBHOOK_EVENTS)) {
      if (!type.isBlank()) {
        b.webhookEvent(WEBHOOK_EVENTS.parse(type));
      }
    }
    b.webhookQueue(value(WEBHOOK_QUEUE));
    b.webhookTimeout(value(WEBHOOK_TIMEOUT));
    return b.build();
  }

  /**
   * The one way of routing given. Which flags were given decides it, before any of their values is read, so this rule
   * lives with the command line rather than with {@link ProxyConfig}, which is handed a {@link Routing}.
   */
  private Routing routing() {
    List<Setting<?>> given = new ArrayList<>();
    if (text(TARGET) != null && text(UNIX_TARGET) != null) {
      throw new ConfigException(UNIX_TARGET.flag(), null, "conflicts with " + TARGET.flag() + ": choose one target");
    }
    if (text(TARGET) != null || text(UNIX_TARGET) != null || text(SESSION_ID) != null) {
      given.add(text(TARGET) != null ? TARGET : text(UNIX_TARGET) != null ? UNIX_TARGET : SESSION_ID);
    }
    for (Setting<?> setting : List.of(TOKEN_FILE, JWT_SECRET_FILE, JWT_ENCODED_SECRET_FILE, JWT_PUBLIC_KEY,
        ROUTE_QUERY)) {
      if (text(setting) != null) {
        given.add(setting);
      }
    }
    if (given.size() > 1) {
      throw new ConfigException(given.get(1).flag(), null, "conflicts with " + given.get(0).flag()
          + ": choose one way of routing");
    }
    if (given.isEmpty()) {
      return null;
    }
    Setting<?> chosen = given.get(0);
    if (chosen == UNIX_TARGET) {
      if (text(SESSION_ID) == null) {
        throw new ConfigException(SESSION_ID.flag(), null, "missing: " + UNIX_TARGET.flag() + " needs "
            + SESSION_ID.flag());
      }
      return new Routing.Static(value(SESSION_ID), value(UNIX_TARGET));
    }
    if (chosen == TARGET || chosen == SESSION_ID) {
      if (text(TARGET) == null) {
        throw new ConfigException(TARGET.flag(), null, "missing: " + SESSION_ID.flag() + " needs " + TARGET.flag());
      }
      if (text(SESSION_ID) == null) {
        throw new ConfigException(SESSION_ID.flag(), null, "missing: " + TARGET.flag() + " needs " + SESSION_ID.flag());
      }
      String sessionId = value(SESSION_ID);
      return new Routing.Static(sessionId, value(TARGET));
    }
    if (chosen == TOKEN_FILE) {
      return new Routing.TokenFile(value(TOKEN_FILE));
    }
    if (chosen == JWT_SECRET_FILE) {
      return new Routing.JwtHs256(value(JWT_SECRET_FILE));
    }
    if (chosen == JWT_ENCODED_SECRET_FILE) {
      return new Routing.JwtHs256(value(JWT_ENCODED_SECRET_FILE));
    }
    if (chosen == JWT_PUBLIC_KEY) {
      return new Routing.JwtRs256(value(JWT_PUBLIC_KEY));
    }
    return new Routing.RouteQuery(value(ROUTE_QUERY));
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
