package org.rfbactivity.proxy.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.rfbactivity.activity.ActivitySetting;
import org.rfbactivity.activity.ActivitySettings;
import org.rfbactivity.activity.ViewerPolicy;
import org.rfbactivity.activity.BlindPolicy;
import org.rfbactivity.activity.event.EventType;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.proxy.relay.TcpKeepAlive;
import org.rfbactivity.proxy.webhook.WebhookEndpoint;
import org.rfbactivity.proxy.webhook.WebhookSigner;

/**
 * Every setting of the proxy, in the order {@code --help} and the README list them. Each is defined here once: name
 * (hence flag, environment variable and config-file key), help text, default, parser and check. The rules between
 * settings are {@link ProxyConfig.Builder#build()}'s; those of the tracker stay activity-core's and are reported under
 * these flags' names.
 */
public final class ProxySettings {

  /** The listener value that turns a listener off. */
  static final String NONE = "none";
  /** The raw TCP listener of a static route when {@code --tcp-listen} is not given. */
  static final HostPort STATIC_ROUTE_TCP_LISTEN = new HostPort("127.0.0.1", 5900);
  /** HS256 with a shorter secret can be brute-forced offline from a single token. */
  static final int MIN_JWT_SECRET_BYTES = 32;
  /** Long enough not to be guessed through the admin port. */
  static final int MIN_ADMIN_TOKEN_LENGTH = 16;
  /** About a gigabyte of heap per endpoint at 1 KB an event: beyond it a queue is a leak, not a buffer. */
  static final int MAX_WEBHOOK_QUEUE = 1_000_000;
  /**
   * The longest duration any setting takes: activity-core's bound, which the tracker's settings must meet anyway, and
   * the same reason holds for the proxy's timers (nanoseconds in a long, added to the current time).
   */
  public static final Duration MAX_DURATION = ActivitySettings.MAX_DURATION;

  public static final Setting<String> CONFIG = Setting.named("config", "FILE",
      "Java properties file with settings", text -> text).build();

  public static final Setting<HostPort> TCP_LISTEN = Setting.named("tcp-listen", "HOST:PORT|none",
      "Raw TCP listener for native VNC viewers", ProxySettings::listen)
      // Decided by build(): a raw TCP viewer has no way to present a token, so only the static route can serve one.
      .describedDefault("`" + STATIC_ROUTE_TCP_LISTEN + "` with `--target` or `--unix-target`, else `" + NONE
          + "` (a raw TCP viewer cannot present a token)", null)
      .build();

  public static final Setting<HostPort> WS_LISTEN = Setting.named("ws-listen", "HOST:PORT|none",
      "WebSocket listener for noVNC, paths /websockify and /vnc/{id}", ProxySettings::listen)
      .byDefault("127.0.0.1:6080").build();

  public static final Setting<HostPort> ADMIN_LISTEN = Setting.named("admin-listen", "HOST:PORT|none",
      "Admin HTTP: /api/sessions, /metrics, /healthz, /readyz", ProxySettings::listen)
      .byDefault("127.0.0.1:9090").build();

  public static final Setting<HostPort> TARGET = Setting.named("target", "HOST:PORT",
      "Static route: the VNC server every viewer is sent to; needs --session-id",
      text -> HostPort.parse(text, false)).build();

  public static final Setting<UnixSocketTarget> UNIX_TARGET = Setting.named("unix-target", "PATH",
      "Static route: the VNC server every viewer is sent to listens on this Unix domain socket; needs --session-id",
      ProxySettings::unixTarget).build();

  public static final Setting<String> SESSION_ID = Setting.named("session-id", "ID",
      "Session id of the static route", ProxySettings::sessionId).build();

  public static final Setting<Path> TOKEN_FILE = Setting.named("token-file", "PATH",
      "Route by ?token= through a websockify-format file of 'token: host:port' lines, or a directory of such files,"
          + " reloaded when it changes",
      ConfigFiles::readableFileOrDirectory).build();

  public static final Setting<byte[]> JWT_SECRET_FILE = Setting.named("jwt-secret-file", "PATH",
      "Route by a ?token= JWT signed HS256 with the secret in this file, at least " + MIN_JWT_SECRET_BYTES + " bytes",
      ProxySettings::jwtSecret).shownAs(ProxySettings::masked).build();

  /**
   * websockify's JWTTokenApi reads an HS256 key file as a JWK {@code k}: the secret base64url-encoded. Such a secret
   * may be any bytes, which a text file cannot hold as they are, hence a flag of its own rather than a re-encoding.
   */
  public static final Setting<byte[]> JWT_ENCODED_SECRET_FILE = Setting.named("jwt-encoded-secret-file", "PATH",
      "Route by a ?token= JWT signed HS256 with the secret in this file written base64url (websockify's JWTTokenApi key"
          + " file), at least " + MIN_JWT_SECRET_BYTES + " bytes decoded",
      ProxySettings::jwtEncodedSecret).shownAs(ProxySettings::masked).build();

  public static final Setting<RSAPublicKey> JWT_PUBLIC_KEY = Setting.named("jwt-public-key", "PATH",
      "Route by a ?token= JWT signed RS256; PEM public key, at least " + PemKeys.MIN_RSA_BITS + " bits",
      text -> PemKeys.readRsaPublicKey(ConfigFiles.readable(text))).build();

  /**
   * A JWT is checked only when its viewer connects (the session outlives it), so a platform needs no more than a day
   * even for a token issued once a day; a longer one is a standing key in a URL, and URLs end up in browser histories
   * and proxy logs. Hence the default is the longest duration.
   */
  public static final Setting<Duration> MAX_TOKEN_LIFETIME = Setting.named("max-token-lifetime", "DURATION",
      "JWT routing: refuse a token whose exp lies further ahead than this, or whose exp - iat exceeds it",
      Durations::parsePositive)
      .describedDefault("`" + Durations.format(MAX_DURATION) + "`, the longest duration", () -> MAX_DURATION)
      .checkedBy(ProxySettings::duration).shownAs(Durations::format).build();

  /**
   * A removed token's viewers are closed within this of the edit; each check is one stat of the file (a re-read only
   * when it changed) and a hash lookup per live viewer.
   */
  public static final Setting<Duration> TOKEN_FILE_CHECK = Setting.named("token-file-check", "DURATION",
      "Token-file routing: look at the file this often, and close (token_revoked, 4004) the viewers whose token it "
          + "no longer has or now sends elsewhere", Durations::parsePositive)
      .describedDefault("`2s`", () -> Duration.ofSeconds(2)).checkedBy(ProxySettings::duration)
      .shownAs(Durations::format).build();

  /** On by default: a platform that issues short tokens means them to bound the viewer, not only its connect. */
  public static final Setting<Boolean> CLOSE_ON_TOKEN_EXPIRY = Setting.named("close-on-token-expiry", "true|false",
      "JWT routing: close a viewer (token_expired, 4005) when its token's exp passes", ProxySettings::bool)
      .describedDefault("`true`", () -> Boolean.TRUE).build();

  /** Off by default: each check runs the route query once per live token, which a busy database may not want. */
  public static final Setting<Duration> ROUTE_RECHECK = Setting.named("route-recheck", "DURATION",
      "Route-query routing: run the query again this often for each live viewer and close (route_removed, 4006) "
          + "those it no longer routes there; 0 for never", Durations::parseZeroOrPositive)
      .byDefault("0").checkedBy(ProxySettings::durationOrZero).shownAs(Durations::format).build();

  public static final Setting<String> ROUTE_QUERY = Setting.named("route-query", "SQL",
      "Route by a SQL query with one ? (the token, else the /vnc/{id} id) returning columns host, port and "
          + "optionally session_id", ProxySettings::routeQuery).build();

  public static final Setting<String> JDBC_URL = Setting.named("jdbc-url", "URL",
      "External PostgreSQL, jdbc:postgresql://HOST:PORT/DB; without it an embedded PostgreSQL runs in --data-dir",
      ProxySettings::blankToNull).checkedBy(ProxySettings::jdbcUrl).shownAs(JdbcUrls::mask).build();

  public static final Setting<String> JDBC_USER = Setting.named("jdbc-user", "USER", "Database user",
      ProxySettings::blankToNull).build();

  public static final Setting<String> JDBC_PASSWORD_FILE = Setting.named("jdbc-password-file", "PATH",
      "File holding the database password", text -> ConfigFiles.secret(text, 1))
      .shownAs(ProxySettings::masked).build();

  public static final Setting<StoreMode> STORE = Setting.named("store", "postgres|memory",
      "Where session state is kept: PostgreSQL, or memory only", ProxySettings::storeMode)
      .byDefault("postgres").shownAs(mode -> mode.name().toLowerCase(Locale.ROOT)).build();

  public static final Setting<Path> DATA_DIR = Setting.named("data-dir", "PATH",
      "Directory of the embedded PostgreSQL, used when there is no --jdbc-url", Path::of)
      .byDefault("rfba-data").build();

  public static final Setting<String> MIRROR_SQL = Setting.named("mirror-sql", "SQL",
      "Also run this statement in the transaction of every last_activity write, with the named parameters "
          + ":session_id and :last_activity (UTC), to keep a host platform's own column current, e.g. UPDATE sessions "
          + "SET last_activity = GREATEST(last_activity, :last_activity) WHERE id = :session_id; needs --store "
          + "postgres; checked against the database at start", text -> text)
      .checkedBy(ProxySettings::mirrorSql).build();

  public static final Setting<String> REPLICA_ID = Setting.named("replica-id", "ID",
      "This proxy's name in the viewer rows of a database that several proxies share; unique per proxy, 1.."
          + ActivitySettings.MAX_REPLICA_ID_LENGTH + " characters", text -> text)
      .describedDefault(ActivitySettings.REPLICA_ID.documentedDefault(), ActivitySettings.REPLICA_ID::defaultValue)
      .checkedBy(ProxySettings::replicaId).tracking(ActivitySettings.REPLICA_ID).build();

  public static final Setting<String> NOTIFY_CHANNEL = Setting.named("notify-channel", "NAME",
      "PostgreSQL channel every committed event is NOTIFYed on, in the flush's transaction (lower-case letters, "
          + "digits, underscores); /api/events LISTENs on it", text -> text)
      .byDefault(JdbcActivityStore.DEFAULT_NOTIFY_CHANNEL).checkedBy(ProxySettings::notifyChannel).build();

  /** Its own channel, so that /api/events' listeners never hear the replicas' commands to each other. */
  public static final Setting<String> CONTROL_CHANNEL = Setting.named("control-channel", "NAME",
      "PostgreSQL channel the replicas ask each other on to close viewers (the admin API's DELETEs), in the "
          + "transaction that stores the command (lower-case letters, digits, underscores); not --notify-channel",
      text -> text)
      .byDefault("rfb_activity_control").checkedBy(ProxySettings::notifyChannel).build();

  // The tracker's settings default to activity-core's defaults (ProxySettingsTest holds them equal), written here as
  // an operator would type them.

  public static final Setting<Duration> ACTIVE_WINDOW = Setting.named("active-window", "DURATION",
      "A session is ACTIVE while its newest counted input is younger than this", Durations::parsePositive)
      .byDefault("60s").checkedBy(ProxySettings::duration).shownAs(Durations::format)
      .tracking(ActivitySettings.ACTIVE_WINDOW).build();

  public static final Setting<Duration> PERSIST_INTERVAL = Setting.named("persist-interval", "DURATION",
      "While ACTIVE, last_activity is written at most once per interval", Durations::parsePositive)
      .byDefault("30s").checkedBy(ProxySettings::duration).shownAs(Durations::format)
      .tracking(ActivitySettings.PERSIST_INTERVAL).build();

  public static final Setting<Duration> FLUSH_TICK = Setting.named("flush-tick", "DURATION",
      "How often due state changes are written to the store", Durations::parsePositive)
      .byDefault("1s").checkedBy(ProxySettings::duration).shownAs(Durations::format)
      .tracking(ActivitySettings.FLUSH_TICK).build();

  public static final Setting<BlindPolicy> BLIND_POLICY = Setting.named("blind-policy", "active|idle",
      "How a viewer whose stream cannot be read (encrypted, unknown protocol) counts: active while connected, or idle "
          + "once the active window since its last readable activity has passed", ProxySettings::blindPolicy)
      .byDefault("active").shownAs(ProxySettings::blindPolicyName)
      .tracking(ActivitySettings.BLIND_POLICY).build();

  /** Off by default: a jiggler exists to fake presence (docs/protocol.md#synthetic-input). */
  public static final Setting<Boolean> COUNT_SYNTHETIC = Setting.named("count-synthetic", "true|false",
      "Whether a jiggler's input (steady 1-3 px pointer jiggles, steady F13-F24 or Scroll Lock taps: SYNTHETIC) counts "
          + "as activity", ProxySettings::trueOrFalse)
      .byDefault("false").build();

  public static final Setting<Integer> RETAINED_SESSIONS = Setting.named("retained-sessions", "N",
      "Sessions without viewers this proxy remembers and answers DISCONNECTED with their times; beyond it, the one "
          + "without viewers longest is forgotten first", ProxySettings::wholeNumber)
      .byDefault("10000").tracking(ActivitySettings.RETAINED_SESSIONS).build();

  /** Long enough for a scripted VNC login, short enough to shed stuck sockets. */
  public static final Setting<Duration> HANDSHAKE_TIMEOUT = Setting.named("handshake-timeout", "DURATION",
      "Time from accept until the RFB handshake is done (WebSocket upgrade, route, connect, security, ClientInit); an "
          + "interactive password prompt must fit in it", Durations::parsePositive)
      .byDefault("10s").checkedBy(ProxySettings::duration).shownAs(Durations::format).build();

  /** A 2-core box is sized for 10,000 idle viewers. */
  public static final Setting<Integer> MAX_CONNECTIONS = Setting.named("max-connections", "N",
      "Viewer connections open at once, TCP and WebSocket together", ProxySettings::wholeNumber)
      .byDefault("10000").checkedBy(ProxySettings::atLeastOne).build();

  /**
   * Far above one person's viewers, enough for an office behind one NAT address, and a hundredth of the total, so no
   * single address can take the proxy.
   */
  public static final Setting<Integer> MAX_CONNECTIONS_PER_IP = Setting.named("max-connections-per-ip", "N",
      "Viewer connections open at once from one client address (an IPv4 address or an IPv6 /64); 0 for no limit, "
          + "e.g. behind a load balancer that hides client addresses", ProxySettings::wholeNumber)
      .byDefault("100").checkedBy(ProxySettings::zeroOrMore).build();

  /** A NAT'd office's reconnect storm passes, a connect flood does not. */
  public static final Setting<Integer> MAX_CONNECT_RATE_PER_IP = Setting.named("max-connect-rate-per-ip", "N",
      "New viewer connections per second from one client address, with bursts of twice that; 0 for no limit. While "
          + "per-address limits are on, an address that fails authentication 5 times is refused for 10 s, doubling "
          + "with each repeat", ProxySettings::wholeNumber)
      .byDefault("20").checkedBy(ProxySettings::zeroOrMore).build();

  /** The best the machine offers (epoll); NIO wherever it does not load (macOS, Windows, another architecture). */
  public static final Setting<TransportKind> TRANSPORT = Setting.named("transport", "auto|io_uring|epoll|nio",
      "Network transport of every listener and backend connection: auto takes epoll where it works, else Java NIO, "
          + "and the ready line says which; io_uring only when named", TransportKind::parse)
      .byDefault("auto").shownAs(TransportKind::label).build();

  /**
   * The kernel moves a raw TCP viewer's framebuffer bytes without a copy through the JVM; nothing reads them after
   * ServerInit (docs/architecture.md#splice).
   */
  public static final Setting<SpliceMode> SPLICE = Setting.named("splice", "auto|on|off",
      "Server-to-viewer bytes of a raw TCP viewer move by splice(2) once ServerInit has passed the inspector, where "
          + "the proxy can (epoll, no TLS, a TCP server): auto unless the viewer or the server is on a loopback "
          + "address, on wherever it can, off to always copy them through the proxy",
      SpliceMode::parse)
      .byDefault("auto").shownAs(SpliceMode::label).build();

  /**
   * Shorter than the idle timeouts of common middleboxes (AWS load balancers 60 s, nginx 60 s), so a quiet viewer's
   * pings also keep those from dropping it; one small frame each way per interval and quiet viewer.
   */
  // Policies (docs/architecture.md#policies): off by default; a route may set its own, and the stricter one applies.
  public static final Setting<Duration> IDLE_DISCONNECT = Setting.named("idle-disconnect", "DURATION",
      "Close a session's viewers once it had no counted input for this long (idle_timeout, 4001); 0 for never",
      Durations::parseZeroOrPositive)
      .byDefault("0").checkedBy(ProxySettings::policyLimit).shownAs(Durations::format).build();

  public static final Setting<Duration> IDLE_WARNING = Setting.named("idle-warning", "DURATION",
      "Emit session.idle_warning this long before the idle disconnect; 0 for none", Durations::parseZeroOrPositive)
      .byDefault("0").checkedBy(ProxySettings::policyLimit).shownAs(Durations::format).build();

  public static final Setting<Duration> MAX_SESSION_DURATION = Setting.named("max-session-duration", "DURATION",
      "Close a viewer this long after it connected (max_duration, 4002); 0 for never", Durations::parseZeroOrPositive)
      .byDefault("0").checkedBy(ProxySettings::policyLimit).shownAs(Durations::format).build();

  public static final Setting<Duration> MAX_DURATION_WARNING = Setting.named("max-duration-warning", "DURATION",
      "Emit viewer.max_duration_warning this long before the max-duration close; 0 for none",
      Durations::parseZeroOrPositive)
      .byDefault("0").checkedBy(ProxySettings::policyLimit).shownAs(Durations::format).build();

  public static final Setting<Duration> BLIND_MAX_DURATION = Setting.named("blind-max-duration", "DURATION",
      "Close a viewer whose stream cannot be inspected this long after it went blind (blind_max_duration, 4003); "
          + "0 for never", Durations::parseZeroOrPositive)
      .byDefault("0").checkedBy(ProxySettings::policyLimit).shownAs(Durations::format).build();

  // Input permissions (docs/architecture.md#input-permissions): for every viewer until per-route sources exist.
  public static final Setting<Boolean> VIEW_ONLY = Setting.named("view-only", "true|false",
      "Viewers may only watch: no keys, pointer, clipboard, desktop resize or xvp reach the VNC server "
          + "(--input-permissions none); a route's view_only or input_permissions replaces it", ProxySettings::bool)
      .byDefault("false").switchFlag().build();

  public static final Setting<InputPermissions> INPUT_PERMISSIONS = Setting.named("input-permissions",
      "CLASSES|all|none", "Input classes viewers may send (keys, pointer-motion, pointer-buttons, clipboard, "
          + "desktop-resize, xvp); other messages are dropped, and a restricted viewer whose stream cannot be "
          + "followed is closed (cannot_enforce, 4008); a route's input_permissions or view_only replaces it",
      InputPermissions::parse)
      .byDefault("all").build();

  public static final Setting<Duration> WS_PING_INTERVAL = Setting.named("ws-ping-interval", "DURATION",
      "Ping a WebSocket viewer after this long without anything from it; 0 for no pings",
      Durations::parseZeroOrPositive)
      .byDefault("30s").checkedBy(ProxySettings::durationOrZero).shownAs(Durations::format).build();

  /** Long enough for a round trip over a poor mobile link, short enough that a vanished viewer goes within a minute. */
  public static final Setting<Duration> WS_PONG_TIMEOUT = Setting.named("ws-pong-timeout", "DURATION",
      "A pinged WebSocket viewer that sends nothing (no pong) for this long is closed (no_pong, 4007)",
      Durations::parsePositive)
      .byDefault("15s").checkedBy(ProxySettings::duration).shownAs(Durations::format).build();

  /** With the interval and count below, a vanished peer is found about a minute after its last segment. */
  public static final Setting<Duration> TCP_KEEPALIVE_IDLE = Setting.named("tcp-keepalive-idle", "DURATION",
      "TCP keep-alive on viewer and VNC server connections: first probe after this long without a segment from the "
          + "peer (whole seconds); 0 for no keep-alive", Durations::parseZeroOrPositive)
      .byDefault("30s").checkedBy(d -> keepAliveSeconds(d, true)).shownAs(Durations::format).build();

  public static final Setting<Duration> TCP_KEEPALIVE_INTERVAL = Setting.named("tcp-keepalive-interval", "DURATION",
      "TCP keep-alive: time between unanswered probes (whole seconds)", Durations::parsePositive)
      .byDefault("10s").checkedBy(d -> keepAliveSeconds(d, false)).shownAs(Durations::format).build();

  public static final Setting<Integer> TCP_KEEPALIVE_COUNT = Setting.named("tcp-keepalive-count", "N",
      "TCP keep-alive: unanswered probes after which the connection is dropped", ProxySettings::wholeNumber)
      .byDefault("3").checkedBy(ProxySettings::keepAliveCount).build();

  public static final Setting<Path> TLS_CERT = Setting.named("tls-cert", "PATH",
      "PEM certificate chain: both frontends then speak TLS", ConfigFiles::readable).build();

  public static final Setting<Path> TLS_KEY = Setting.named("tls-key", "PATH",
      "PEM PKCS#8 private key for --tls-cert", ConfigFiles::readable).build();

  public static final Setting<String> ALLOWED_ORIGIN = Setting.named("allowed-origin", "ORIGIN",
      "Origin (scheme://host[:port]) allowed to open a WebSocket; repeat or comma-separate. Without any, only pages "
          + "from the proxy's own IP address or localhost (and clients sending no Origin) may; a reverse proxy's name "
          + "must be listed", text -> text)
      .checkedBy(ProxySettings::origin).repeatable().build();

  public static final Setting<Path> WEB = Setting.named("web", "DIR",
      "Serve the static files of this directory (e.g. noVNC's) on the WebSocket port: GET and HEAD requests without "
          + "an Upgrade header; nothing outside it, no listings", ConfigFiles::directory).build();

  public static final Setting<String> ADMIN_TOKEN_FILE = Setting.named("admin-token-file", "PATH",
      "File holding a bearer token required by the admin port, except /healthz and /readyz",
      text -> ConfigFiles.secret(text, MIN_ADMIN_TOKEN_LENGTH)).shownAs(ProxySettings::masked).build();

  public static final Setting<String> WEBHOOK_URL = Setting.named("webhook-url", "URL",
      "POST each activity event to this http or https URL, signed with --webhook-secret-file as Standard Webhooks "
          + "specifies; repeat or comma-separate for several endpoints, each with its own queue", String::trim)
      .checkedBy(ProxySettings::webhookUrl).shownAs(WebhookEndpoint::safe).repeatable().build();

  public static final Setting<byte[]> WEBHOOK_SECRET_FILE = Setting.named("webhook-secret-file", "PATH",
      "File holding the webhooks' signing secret: whsec_ and the base64 of at least " + WebhookSigner.MIN_KEY_BYTES
          + " bytes, or any other text of at least " + WebhookSigner.MIN_KEY_BYTES + " bytes, used as it is",
      ProxySettings::webhookSecret).shownAs(ProxySettings::masked).build();

  public static final Setting<EventType> WEBHOOK_EVENTS = Setting.named("webhook-events", "TYPE",
      "Event type sent to the webhooks (" + String.join(", ", eventTypeNames()) + "); repeat or comma-separate",
      ProxySettings::eventType)
      .describedDefault("all types", null).shownAs(EventType::wireName).repeatable().build();

  /** At about 1 KB an event, 10 MB per endpoint: hours of a busy proxy's state changes while a receiver is down. */
  public static final Setting<Integer> WEBHOOK_QUEUE = Setting.named("webhook-queue", "N",
      "Events waiting per webhook endpoint while it is slow or down; when full the oldest is dropped, at most "
          + MAX_WEBHOOK_QUEUE, ProxySettings::wholeNumber)
      .byDefault("10000").checkedBy(ProxySettings::webhookQueue).build();

  /** Shorter than the specification's 15 to 30 s: events are delivered in order, so a slow answer holds the rest. */
  public static final Setting<Duration> WEBHOOK_TIMEOUT = Setting.named("webhook-timeout", "DURATION",
      "Time one webhook attempt may take, from connecting to the end of the answer", Durations::parsePositive)
      .byDefault("5s").checkedBy(ProxySettings::duration).shownAs(Durations::format).build();

  /** Every setting, in the order of {@code --help} and the README. */
  public static final List<Setting<?>> ALL = List.of(CONFIG, TCP_LISTEN, WS_LISTEN, ADMIN_LISTEN, TARGET, UNIX_TARGET, SESSION_ID,
      TOKEN_FILE, TOKEN_FILE_CHECK, JWT_SECRET_FILE, JWT_ENCODED_SECRET_FILE, JWT_PUBLIC_KEY, MAX_TOKEN_LIFETIME,
      CLOSE_ON_TOKEN_EXPIRY,
      ROUTE_QUERY, ROUTE_RECHECK, JDBC_URL, JDBC_USER,
      JDBC_PASSWORD_FILE, STORE, DATA_DIR, MIRROR_SQL, NOTIFY_CHANNEL, CONTROL_CHANNEL,
      REPLICA_ID, ACTIVE_WINDOW, PERSIST_INTERVAL, FLUSH_TICK,
      BLIND_POLICY, COUNT_SYNTHETIC, RETAINED_SESSIONS, IDLE_DISCONNECT, IDLE_WARNING, MAX_SESSION_DURATION,
      MAX_DURATION_WARNING, BLIND_MAX_DURATION, VIEW_ONLY, INPUT_PERMISSIONS, HANDSHAKE_TIMEOUT, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP, MAX_CONNECT_RATE_PER_IP, TRANSPORT,
      SPLICE,
      WS_PING_INTERVAL, WS_PONG_TIMEOUT, TCP_KEEPALIVE_IDLE, TCP_KEEPALIVE_INTERVAL, TCP_KEEPALIVE_COUNT, TLS_CERT,
      TLS_KEY, ALLOWED_ORIGIN, WEB, ADMIN_TOKEN_FILE, WEBHOOK_URL, WEBHOOK_SECRET_FILE, WEBHOOK_EVENTS, WEBHOOK_QUEUE,
      WEBHOOK_TIMEOUT);

  private ProxySettings() {}

  /** The setting handed to this activity-core setting, or null when none is. */
  static Setting<?> tracking(ActivitySetting<?> setting) {
    for (Setting<?> s : ALL) {
      if (s.tracks() == setting) {
        return s;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ parsers: text to value

  private static Boolean bool(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("true")) {
      return Boolean.TRUE;
    }
    if (t.equals("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException("expected true or false");
  }

  private static HostPort listen(String text) {
    return text.trim().equalsIgnoreCase(NONE) ? null : HostPort.parse(text, true);
  }

  private static String sessionId(String text) {
    if (!SessionIds.isValid(text)) {
      throw new IllegalArgumentException("expected 1.." + SessionIds.MAX_LENGTH
          + " characters from A-Z a-z 0-9 - _ . ~ : @ + [ ]");
    }
    return text;
  }

  private static UnixSocketTarget unixTarget(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("expected the path of a Unix domain socket");
    }
    return new UnixSocketTarget(Path.of(text));
  }

  private static byte[] jwtEncodedSecret(String text) {
    String encoded = ConfigFiles.secret(text, 0).strip();
    byte[] bytes;
    try {
      // JWK's k is unpadded base64url (RFC 7517 §6.4.1); padding written anyway is accepted.
      bytes = Base64.getUrlDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64url (A-Z a-z 0-9 - _)");
    }
    if (bytes.length < MIN_JWT_SECRET_BYTES) {
      throw new IllegalArgumentException("HS256 needs a secret of at least " + MIN_JWT_SECRET_BYTES + " bytes ("
          + MIN_JWT_SECRET_BYTES * 8 + " bits), found " + bytes.length + " decoded");
    }
    return bytes;
  }

  private static byte[] jwtSecret(String text) {
    byte[] bytes = ConfigFiles.secret(text, 0).getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MIN_JWT_SECRET_BYTES) {
      throw new IllegalArgumentException("HS256 needs a secret of at least " + MIN_JWT_SECRET_BYTES + " bytes ("
          + MIN_JWT_SECRET_BYTES * 8 + " bits), found " + bytes.length);
    }
    return bytes;
  }

  /** The file's text, trimmed, as key bytes ({@link WebhookSigner#parseKey}). */
  private static byte[] webhookSecret(String text) {
    String secret = ConfigFiles.secret(text, 1).strip();
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("file is empty");
    }
    return WebhookSigner.parseKey(secret);
  }

  private static EventType eventType(String text) {
    try {
      return EventType.ofWireName(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected one of " + String.join(", ", eventTypeNames()));
    }
  }

  private static List<String> eventTypeNames() {
    return Arrays.stream(EventType.values()).map(EventType::wireName).toList();
  }

  private static String routeQuery(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return text.trim();
  }

  private static StoreMode storeMode(String text) {
    try {
      return StoreMode.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected postgres or memory");
    }
  }

  private static BlindPolicy blindPolicy(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "active":
        return BlindPolicy.ACTIVE_WHILE_SENDING;
      case "idle":
        return BlindPolicy.IDLE_WHILE_CONNECTED;
      default:
        throw new IllegalArgumentException("expected active or idle");
    }
  }

  private static String blindPolicyName(BlindPolicy policy) {
    return switch (policy) {
      case ACTIVE_WHILE_SENDING -> "active";
      case IDLE_WHILE_CONNECTED -> "idle";
    };
  }

  private static Boolean trueOrFalse(String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        throw new IllegalArgumentException("expected true or false");
    }
  }

  private static Integer wholeNumber(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number");
    }
  }

  private static String blankToNull(String text) {
    return text.isBlank() ? null : text.trim();
  }

  // ------------------------------------------------------------------ checks: value in bounds

  private static Duration duration(Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("must be greater than zero");
    }
    if (d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException("must be at most " + Durations.format(MAX_DURATION));
    }
    return d;
  }

  /** A policy's limit: 0 (off), or up to activity-core's bound for policies, far beyond the other durations'. */
  private static Duration policyLimit(Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("must be 0 (off) or more");
    }
    if (d.compareTo(ViewerPolicy.MAX_LIMIT) > 0) {
      throw new IllegalArgumentException("must be at most " + Durations.format(ViewerPolicy.MAX_LIMIT));
    }
    return d;
  }

  private static Duration durationOrZero(Duration d) {
    if (d != null && d.isZero()) {
      return d;
    }
    return duration(d);
  }

  /** The kernel takes keep-alive timings in whole seconds, up to its own limit. */
  private static Duration keepAliveSeconds(Duration d, boolean zeroAllowed) {
    if (d == null || d.isNegative() || (d.isZero() && !zeroAllowed)) {
      throw new IllegalArgumentException(zeroAllowed ? "must be 0 (off) or more" : "must be greater than zero");
    }
    if (d.toMillisPart() != 0) {
      throw new IllegalArgumentException("must be whole seconds");
    }
    if (d.toSeconds() > TcpKeepAlive.MAX_SECONDS) {
      throw new IllegalArgumentException("must be at most " + TcpKeepAlive.MAX_SECONDS + "s");
    }
    return d;
  }

  private static Integer keepAliveCount(Integer n) {
    if (n < 1 || n > TcpKeepAlive.MAX_COUNT) {
      throw new IllegalArgumentException("must be 1 to " + TcpKeepAlive.MAX_COUNT);
    }
    return n;
  }

  private static Integer atLeastOne(Integer n) {
    if (n < 1) {
      throw new IllegalArgumentException("must be at least 1");
    }
    return n;
  }

  private static Integer zeroOrMore(Integer n) {
    if (n < 0) {
      throw new IllegalArgumentException("must be 0 (no limit) or more");
    }
    return n;
  }

  private static Integer webhookQueue(Integer n) {
    if (n < 1 || n > MAX_WEBHOOK_QUEUE) {
      throw new IllegalArgumentException("must be 1 to " + MAX_WEBHOOK_QUEUE);
    }
    return n;
  }

  /** The URL as given, once it is known to be one the sink can post to. */
  private static String webhookUrl(String url) {
    WebhookEndpoint.parse(url);
    return url.trim();
  }

  private static String jdbcUrl(String url) {
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("expected jdbc:postgresql://HOST[:PORT]/DATABASE");
    }
    return url;
  }

  /** The statement's form, which activity-core parses; whether the database accepts it is checked at start. */
  private static String notifyChannel(String channel) {
    try {
      JdbcActivityStore.builder().notifyChannel(channel);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^notifyChannel ", ""));
    }
    return channel;
  }

  private static String mirrorSql(String sql) {
    if (sql != null) {
      try {
        JdbcActivityStore.builder().mirrorSql(sql);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage().replaceFirst("^mirrorSql ", ""));
      }
    }
    return sql;
  }

  /** activity-core's check, worded for an operator: what an id may be rather than which part failed. */
  private static String replicaId(String id) {
    try {
      return ActivitySettings.REPLICA_ID.check(id);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("expected 1.." + ActivitySettings.MAX_REPLICA_ID_LENGTH
          + " characters without control characters");
    }
  }

  /** {@code https://Example.com:443/} → {@code https://example.com:443}; browsers send origins without a path. */
  static String origin(String origin) {
    String value = origin == null ? "" : origin.trim().toLowerCase(Locale.ROOT);
    while (value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    int scheme = value.indexOf("://");
    if (scheme <= 0 || !(value.startsWith("http://") || value.startsWith("https://"))
        || value.indexOf('/', scheme + 3) >= 0 || value.length() == scheme + 3) {
      throw new IllegalArgumentException("expected an origin like https://app.example.com[:PORT]");
    }
    return value;
  }

  private static <T> String masked(T secret) {
    return "<masked>";
  }
}
