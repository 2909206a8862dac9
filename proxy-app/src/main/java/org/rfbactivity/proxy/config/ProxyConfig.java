package org.rfbactivity.proxy.config;

import static org.rfbactivity.proxy.config.ProxySettings.ACTIVE_WINDOW;
import static org.rfbactivity.proxy.config.ProxySettings.ADMIN_LISTEN;
import static org.rfbactivity.proxy.config.ProxySettings.ALLOWED_ORIGIN;
import static org.rfbactivity.proxy.config.ProxySettings.BLIND_POLICY;
import static org.rfbactivity.proxy.config.ProxySettings.COUNT_SYNTHETIC;
import static org.rfbactivity.proxy.config.ProxySettings.DATA_DIR;
import static org.rfbactivity.proxy.config.ProxySettings.FLUSH_TICK;
import static org.rfbactivity.proxy.config.ProxySettings.HANDSHAKE_TIMEOUT;
import static org.rfbactivity.proxy.config.ProxySettings.JDBC_URL;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_CONNECTIONS;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_CONNECTIONS_PER_IP;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_CONNECT_RATE_PER_IP;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_TOKEN_LIFETIME;
import static org.rfbactivity.proxy.config.ProxySettings.INPUT_PERMISSIONS;
import static org.rfbactivity.proxy.config.ProxySettings.VIEW_ONLY;
import static org.rfbactivity.proxy.config.ProxySettings.MIRROR_SQL;
import static org.rfbactivity.proxy.config.ProxySettings.NOTIFY_CHANNEL;
import static org.rfbactivity.proxy.config.ProxySettings.CONTROL_CHANNEL;
import static org.rfbactivity.proxy.config.ProxySettings.RETAINED_SESSIONS;
import static org.rfbactivity.proxy.config.ProxySettings.IDLE_DISCONNECT;
import static org.rfbactivity.proxy.config.ProxySettings.IDLE_WARNING;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_SESSION_DURATION;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_DURATION_WARNING;
import static org.rfbactivity.proxy.config.ProxySettings.BLIND_MAX_DURATION;
import static org.rfbactivity.proxy.config.ProxySettings.PERSIST_INTERVAL;
import static org.rfbactivity.proxy.config.ProxySettings.REPLICA_ID;
import static org.rfbactivity.proxy.config.ProxySettings.STORE;
import static org.rfbactivity.proxy.config.ProxySettings.TCP_KEEPALIVE_COUNT;
import static org.rfbactivity.proxy.config.ProxySettings.TCP_KEEPALIVE_IDLE;
import static org.rfbactivity.proxy.config.ProxySettings.TCP_KEEPALIVE_INTERVAL;
import static org.rfbactivity.proxy.config.ProxySettings.SPLICE;
import static org.rfbactivity.proxy.config.ProxySettings.TRANSPORT;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_QUEUE;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_TIMEOUT;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_URL;
import static org.rfbactivity.proxy.config.ProxySettings.WS_LISTEN;
import static org.rfbactivity.proxy.config.ProxySettings.WS_PING_INTERVAL;
import static org.rfbactivity.proxy.config.ProxySettings.WS_PONG_TIMEOUT;
import static org.rfbactivity.proxy.config.ProxySettings.TOKEN_FILE_CHECK;
import static org.rfbactivity.proxy.config.ProxySettings.CLOSE_ON_TOKEN_EXPIRY;
import static org.rfbactivity.proxy.config.ProxySettings.ROUTE_RECHECK;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.rfbactivity.activity.ActivityConfig;
import org.rfbactivity.activity.ActivitySettings;
import org.rfbactivity.activity.InputKind;
import org.rfbactivity.activity.ViewerPolicy;
import org.rfbactivity.activity.BlindPolicy;
import org.rfbactivity.activity.event.EventType;
import org.rfbactivity.proxy.relay.InputPermissions;
import org.rfbactivity.proxy.webhook.WebhookEndpoint;

/**
 * The proxy's whole configuration, validated once by {@link Builder#build()} and immutable afterwards (the
 * HikariCP habit: validate, then seal). Built from the command line by {@link ProxyCommand}, or directly by
 * tests and benchmarks. Each setting's default and check come from {@link ProxySettings}, the rules between settings
 * from {@link ProxyRules}; the builder starts at the defaults, so a configuration built in code is the one the command
 * line gives. Secrets (database password, admin token) are masked in {@link #toString()}. The class is long only
 * because it holds a field, an accessor and a builder method for each of the settings.
 */
public final class ProxyConfig {

  private final HostPort tcpListen;
  private final HostPort wsListen;
  private final HostPort adminListen;
  private final Routing routing;
  private final StoreMode store;
  private final TransportKind transport;
  private final SpliceMode splice;
  private final String jdbcUrl;
  private final String jdbcUser;
  private final String jdbcPassword;
  private final Path dataDir;
  private final String mirrorSql;
  private final String notifyChannel;
  private final String controlChannel;
  private final int retainedSessions;
  private final boolean countSynthetic;
  private final ViewerPolicy policy;
  private final String replicaId;
  private final BlindPolicy blindPolicy;
  private final Duration activeWindow;
  private final Duration persistInterval;
  private final Duration flushTick;
  private final Duration handshakeTimeout;
  private final int maxConnections;
  private final int maxConnectionsPerIp;
  private final int maxConnectRatePerIp;
  private final Duration wsPingInterval;
  private final Duration wsPongTimeout;
  private final Duration tokenFileCheck;
  private final boolean closeOnTokenExpiry;
  private final boolean tokenFileCheckGiven;
  private final boolean closeOnTokenExpiryGiven;
  private final Duration routeRecheck;
  private final Duration tcpKeepAliveIdle;
  private final Duration tcpKeepAliveInterval;
  private final int tcpKeepAliveCount;
  private final Duration maxTokenLifetime;
  private final boolean maxTokenLifetimeGiven;
  private final Path tlsCert;
  private final Path tlsKey;
  private final List<String> allowedOrigins;
  private final Path web;
  private final String adminToken;
  private final List<String> webhookUrls;
  private final byte[] webhookSecret;
  private final Set<EventType> webhookEvents;
  private final boolean webhookEventsGiven;
  private final int webhookQueue;
  private final Duration webhookTimeout;
  private final boolean inspect;
  private final InputPermissions inputPermissions;
  private final boolean frameBudget;
  private final Clock clock;

  private ProxyConfig(Builder b) {
    this.tcpListen = b.tcpListen;
    this.wsListen = b.wsListen;
    this.adminListen = b.adminListen;
    this.routing = b.routing;
    this.store = b.store;
    this.transport = b.transport;
    this.splice = b.splice;
    this.jdbcUrl = b.jdbcUrl;
    this.jdbcUser = b.jdbcUser;
    this.jdbcPassword = b.jdbcPassword;
    this.dataDir = b.dataDir;
    this.mirrorSql = b.mirrorSql;
    this.notifyChannel = b.notifyChannel;
    this.controlChannel = b.controlChannel;
    this.retainedSessions = b.retainedSessions;
    this.countSynthetic = b.countSynthetic;
    this.policy = b.policy;
    this.replicaId = b.replicaId;
    this.blindPolicy = b.blindPolicy;
    this.activeWindow = b.activeWindow;
    this.persistInterval = b.persistInterval;
    this.flushTick = b.flushTick;
    this.handshakeTimeout = b.handshakeTimeout;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerIp = b.maxConnectionsPerIp;
    this.maxConnectRatePerIp = b.maxConnectRatePerIp;
    this.wsPingInterval = b.wsPingInterval;
    this.wsPongTimeout = b.wsPongTimeout;
    this.tokenFileCheck = b.tokenFileCheck == null ? TOKEN_FILE_CHECK.defaultValue() : b.tokenFileCheck;
    this.closeOnTokenExpiry = b.closeOnTokenExpiry == null ? CLOSE_ON_TOKEN_EXPIRY.defaultValue() : b.closeOnTokenExpiry;
    this.tokenFileCheckGiven = b.tokenFileCheck != null;
    this.closeOnTokenExpiryGiven = b.closeOnTokenExpiry != null;
    this.routeRecheck = b.routeRecheck;
    this.tcpKeepAliveIdle = b.tcpKeepAliveIdle;
    this.tcpKeepAliveInterval = b.tcpKeepAliveInterval;
    this.tcpKeepAliveCount = b.tcpKeepAliveCount;
    this.maxTokenLifetime = b.maxTokenLifetime == null ? MAX_TOKEN_LIFETIME.defaultValue() : b.maxTokenLifetime;
    this.maxTokenLifetimeGiven = b.maxTokenLifetime != null;
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.allowedOrigins = List.copyOf(b.allowedOrigins);
    this.web = b.web;
    this.adminToken = b.adminToken;
    this.webhookUrls = List.copyOf(b.webhookUrls);
    this.webhookSecret = b.webhookSecret;
    this.webhookEventsGiven = !b.webhookEvents.isEmpty();
    this.webhookEvents = Collections.unmodifiableSet(webhookEventsGiven ? EnumSet.copyOf(b.webhookEvents)
        : EnumSet.allOf(EventType.class));
    this.webhookQueue = b.webhookQueue;
    this.webhookTimeout = b.webhookTimeout;
    this.inspect = b.inspect;
    this.inputPermissions = b.viewOnly ? InputPermissions.none() : b.inputPermissions;
    this.frameBudget = b.frameBudget;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Raw TCP listener for native viewers, or null when off. */
  public HostPort tcpListen() {
    return tcpListen;
  }

  /** WebSocket listener for noVNC, or null when off. */
  public HostPort wsListen() {
    return wsListen;
  }

  /** Admin HTTP listener, or null when off. */
  public HostPort adminListen() {
    return adminListen;
  }

  public Routing routing() {
    return routing;
  }

  public StoreMode store() {
    return store;
  }

  /** The transport asked for; the one used is chosen from it at start. */
  public TransportKind transport() {
    return transport;
  }

  /** Whether raw TCP viewers' server-to-client bytes may be spliced (on epoll only). */
  public SpliceMode splice() {
    return splice;
  }

  /** External PostgreSQL, or null for the embedded one in {@link #dataDir()}. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String jdbcUser() {
    return jdbcUser;
  }

  public String jdbcPassword() {
    return jdbcPassword;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * The statement run with every {@code last_activity} write to keep a host platform's column current
   * ({@code :session_id}, {@code :last_activity}), or null for none.
   */
  public String mirrorSql() {
    return mirrorSql;
  }

  /** The PostgreSQL channel events are NOTIFYed and LISTENed on. */
  public String notifyChannel() {
    return notifyChannel;
  }

  /** The PostgreSQL channel the replicas' control commands are NOTIFYed and LISTENed on. */
  public String controlChannel() {
    return controlChannel;
  }

  /** This proxy in the viewer rows of a shared database (default: the host name). */
  public String replicaId() {
    return replicaId;
  }

  /** How a viewer whose stream cannot be inspected counts toward its session's state. */
  public BlindPolicy blindPolicy() {
    return blindPolicy;
  }

  /** Whether SYNTHETIC input (a jiggler's, docs/protocol.md#synthetic-input) counts as activity. */
  public boolean countSynthetic() {
    return countSynthetic;
  }

  public Duration activeWindow() {
    return activeWindow;
  }

  public Duration persistInterval() {
    return persistInterval;
  }

  public Duration flushTick() {
    return flushTick;
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  public int maxConnections() {
    return maxConnections;
  }

  /** Connections open at once per client address (IPv4, IPv6 /64); 0 for no limit. */
  public int maxConnectionsPerIp() {
    return maxConnectionsPerIp;
  }

  /** New connections per second per client address; 0 for no limit. */
  public int maxConnectRatePerIp() {
    return maxConnectRatePerIp;
  }

  /** The flags' policies (docs/architecture.md#policies), {@link ViewerPolicy#NONE} when every one is off. */
  public ViewerPolicy policy() {
    return policy;
  }

  /** How long a WebSocket viewer may send nothing before it is pinged; zero for no pings. */
  public Duration wsPingInterval() {
    return wsPingInterval;
  }

  /** How long a pinged WebSocket viewer has to send something before it is closed with {@code no_pong}. */
  public Duration wsPongTimeout() {
    return wsPongTimeout;
  }

  /** How often token-file routing looks at its file to close the viewers of revoked tokens. */
  public Duration tokenFileCheck() {
    return tokenFileCheck;
  }

  /** Whether JWT viewers are closed when their token's {@code exp} passes. */
  public boolean closeOnTokenExpiry() {
    return closeOnTokenExpiry;
  }

  /** Whether {@link #tokenFileCheck()} was given rather than defaulted: it has no use without a token file. */
  boolean tokenFileCheckGiven() {
    return tokenFileCheckGiven;
  }

  /** Whether {@link #closeOnTokenExpiry()} was given rather than defaulted: it has no use without JWT routing. */
  boolean closeOnTokenExpiryGiven() {
    return closeOnTokenExpiryGiven;
  }

  /** How often route-query routing re-runs the query for live viewers; zero for never. */
  public Duration routeRecheck() {
    return routeRecheck;
  }

  /** Silence before the first TCP keep-alive probe, whole seconds; zero for no keep-alive. */
  public Duration tcpKeepAliveIdle() {
    return tcpKeepAliveIdle;
  }

  public Duration tcpKeepAliveInterval() {
    return tcpKeepAliveInterval;
  }

  public int tcpKeepAliveCount() {
    return tcpKeepAliveCount;
  }

  /** Longest JWT lifetime accepted ({@code exp} ahead of now, and {@code exp - iat}); used by JWT routing only. */
  public Duration maxTokenLifetime() {
    return maxTokenLifetime;
  }

  /** Whether {@link #maxTokenLifetime()} was given rather than defaulted: it has no use without JWT routing. */
  boolean maxTokenLifetimeGiven() {
    return maxTokenLifetimeGiven;
  }

  /** PEM certificate chain for both frontends, or null for plain TCP/WS. */
  public Path tlsCert() {
    return tlsCert;
  }

  /** PEM (PKCS#8) private key matching {@link #tlsCert()}, or null. */
  public Path tlsKey() {
    return tlsKey;
  }

  /** Normalised origins ({@code scheme://host[:port]}, lower case) allowed to open WebSockets. */
  public List<String> allowedOrigins() {
    return allowedOrigins;
  }

  /** Directory whose files the WebSocket port serves ({@code --web}, its real path), or null for none. */
  public Path web() {
    return web;
  }

  /** Bearer token required on the admin port (except health probes), or null for none. */
  public String adminToken() {
    return adminToken;
  }

  /** The webhook endpoints' URLs as given (with any token in them); empty when webhooks are off. */
  public List<String> webhookUrls() {
    return webhookUrls;
  }

  /** The webhooks' signing key bytes, or null; never shown. */
  public byte[] webhookSecret() {
    return webhookSecret == null ? null : webhookSecret.clone();
  }

  /** The event types sent to webhooks; every type unless some were named. */
  public Set<EventType> webhookEvents() {
    return webhookEvents;
  }

  /** Whether {@link #webhookEvents()} was given rather than defaulted: it has no use without a webhook URL. */
  boolean webhookEventsGiven() {
    return webhookEventsGiven;
  }

  /** Events waiting per webhook endpoint before the oldest is dropped. */
  public int webhookQueue() {
    return webhookQueue;
  }

  /** One webhook attempt's bound. */
  public Duration webhookTimeout() {
    return webhookTimeout;
  }

  /**
   * What every viewer may send to its VNC server ({@code --input-permissions}, {@code --view-only}); a viewer with less
   * than {@link InputPermissions#all()} gets an input filter (docs/architecture.md#input-permissions).
   */
  public InputPermissions inputPermissions() {
    return inputPermissions;
  }

  /** Whether the RFB inspector runs on each backend channel (always on from the CLI; benchmarks turn it off). */
  public boolean inspect() {
    return inspect;
  }

  /**
   * Whether each WebSocket viewer has a frame budget (always on from the CLI). The relay benchmark turns it off: its
   * request-response loop asks for updates as fast as the scripted server answers, tens of thousands of frames a second,
   * which the budget takes for a flood.
   */
  public boolean frameBudget() {
    return frameBudget;
  }

  /** Wall clock used for JWT expiry and timestamps. */
  public Clock clock() {
    return clock;
  }

  /** True when {@link #store()} is POSTGRES or the route query needs a database. */
  public boolean needsDatabase() {
    return store == StoreMode.POSTGRES || routing instanceof Routing.RouteQuery;
  }

  /**
   * A tracker builder holding the settings the flags give the tracker (window, persist interval, tick, blind policy,
   * replica id); the caller adds what is not a setting (store, listeners, metrics, threads). {@link Builder#build()}
   * built the tracker's configuration from these once, so activity-core's rules hold for them.
   */
  public ActivityConfig.Builder trackerSettings() {
    return ActivityConfig.builder().activeWindow(activeWindow).persistInterval(persistInterval).flushTick(flushTick)
        .blindPolicy(blindPolicy).replicaId(replicaId).retainedSessions(retainedSessions)
        .countedKinds(countedKinds(countSynthetic));
  }

  /** The tracker's default counted kinds, plus SYNTHETIC when it counts. */
  static Set<InputKind> countedKinds(boolean countSynthetic) {
    EnumSet<InputKind> kinds = EnumSet.copyOf(ActivitySettings.COUNTED_KINDS.defaultValue());
    if (countSynthetic) {
      kinds.add(InputKind.SYNTHETIC);
    }
    return kinds;
  }

  @Override
  public String toString() {
    return "ProxyConfig[tcpListen=" + tcpListen + ", wsListen=" + wsListen + ", adminListen=" + adminListen
        + ", routing=" + routing.kind() + ", store=" + store + ", transport=" + transport.label()
        + ", splice=" + splice.label()
        + ", jdbcUrl=" + (jdbcUrl == null ? "embedded in " + dataDir : JdbcUrls.mask(jdbcUrl))
        + ", jdbcUser=" + jdbcUser + ", jdbcPassword=" + (jdbcPassword == null ? "none" : "<masked>")
        + ", mirrorSql=" + (mirrorSql != null) + ", replicaId=" + replicaId + ", blindPolicy=" + blindPolicy + ", countSynthetic=" + countSynthetic
        + ", activeWindow=" + activeWindow + ", persistInterval=" + persistInterval + ", flushTick=" + flushTick
        + ", handshakeTimeout=" + handshakeTimeout + ", maxConnections=" + maxConnections
        + ", maxConnectionsPerIp=" + maxConnectionsPerIp + ", maxConnectRatePerIp=" + maxConnectRatePerIp
        + ", wsPingInterval=" + wsPingInterval + ", wsPongTimeout=" + wsPongTimeout
        + ", tcpKeepAliveIdle=" + tcpKeepAliveIdle + ", tcpKeepAliveInterval=" + tcpKeepAliveInterval
        + ", tcpKeepAliveCount=" + tcpKeepAliveCount
        + ", maxTokenLifetime=" + maxTokenLifetime + ", tokenFileCheck=" + tokenFileCheck
        + ", closeOnTokenExpiry=" + closeOnTokenExpiry + ", routeRecheck=" + routeRecheck
        + ", tls=" + (tlsCert != null) + ", allowedOrigins=" + allowedOrigins + ", web=" + web
        + ", adminToken=" + (adminToken == null ? "none" : "<masked>")
        + ", webhooks=" + webhookUrls.stream().map(WebhookEndpoint::safe).toList()
        + ", webhookSecret=" + (webhookSecret == null ? "none" : "<masked>") + ", webhookEvents=" + webhookEvents
        + ", webhookQueue=" + webhookQueue + ", webhookTimeout=" + webhookTimeout
        + ", inputPermissions=" + inputPermissions + ", inspect=" + inspect + ", frameBudget=" + frameBudget + "]";
  }

  /** Fail-fast builder; {@link #build()} throws {@link ConfigException} naming the flag at fault. */
  public static final class Builder {
    private HostPort tcpListen;
    private boolean tcpListenGiven;
    private HostPort wsListen = WS_LISTEN.defaultValue();
    private HostPort adminListen = ADMIN_LISTEN.defaultValue();
    private Routing routing;
    private StoreMode store = STORE.defaultValue();
    private TransportKind transport = TRANSPORT.defaultValue();
    private SpliceMode splice = SPLICE.defaultValue();
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private Path dataDir = DATA_DIR.defaultValue();
    private String mirrorSql;
    private String notifyChannel = NOTIFY_CHANNEL.defaultValue();
    private String controlChannel = CONTROL_CHANNEL.defaultValue();
    private int retainedSessions = RETAINED_SESSIONS.defaultValue();
    private boolean countSynthetic = COUNT_SYNTHETIC.defaultValue();
    private Duration idleDisconnect = IDLE_DISCONNECT.defaultValue();
    private Duration idleWarning = IDLE_WARNING.defaultValue();
    private Duration maxSessionDuration = MAX_SESSION_DURATION.defaultValue();
    private Duration maxDurationWarning = MAX_DURATION_WARNING.defaultValue();
    private Duration blindMaxDuration = BLIND_MAX_DURATION.defaultValue();
    private ViewerPolicy policy = ViewerPolicy.NONE;
    private String replicaId;
    private BlindPolicy blindPolicy = BLIND_POLICY.defaultValue();
    private Duration activeWindow = ACTIVE_WINDOW.defaultValue();
    private Duration persistInterval = PERSIST_INTERVAL.defaultValue();
    private Duration flushTick = FLUSH_TICK.defaultValue();
    private Duration handshakeTimeout = HANDSHAKE_TIMEOUT.defaultValue();
    private int maxConnections = MAX_CONNECTIONS.defaultValue();
    private int maxConnectionsPerIp = MAX_CONNECTIONS_PER_IP.defaultValue();
    private int maxConnectRatePerIp = MAX_CONNECT_RATE_PER_IP.defaultValue();
    private Duration wsPingInterval = WS_PING_INTERVAL.defaultValue();
    private Duration wsPongTimeout = WS_PONG_TIMEOUT.defaultValue();
    private Duration tokenFileCheck;
    private Boolean closeOnTokenExpiry;
    private Duration routeRecheck = ROUTE_RECHECK.defaultValue();
    private Duration tcpKeepAliveIdle = TCP_KEEPALIVE_IDLE.defaultValue();
    private Duration tcpKeepAliveInterval = TCP_KEEPALIVE_INTERVAL.defaultValue();
    private int tcpKeepAliveCount = TCP_KEEPALIVE_COUNT.defaultValue();
    private Duration maxTokenLifetime;
    private Path tlsCert;
    private Path tlsKey;
    private final List<String> allowedOrigins = new ArrayList<>();
    private Path web;
    private String adminToken;
    private final List<String> webhookUrls = new ArrayList<>();
    private byte[] webhookSecret;
    private final Set<EventType> webhookEvents = EnumSet.noneOf(EventType.class);
    private int webhookQueue = WEBHOOK_QUEUE.defaultValue();
    private Duration webhookTimeout = WEBHOOK_TIMEOUT.defaultValue();
    private boolean inspect = true;
    private boolean frameBudget = true;
    private boolean viewOnly = VIEW_ONLY.defaultValue();
    private InputPermissions inputPermissions = INPUT_PERMISSIONS.defaultValue();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Null for off. Not given, it is on with a static route only ({@link ProxySettings#TCP_LISTEN}). */
    public Builder tcpListen(HostPort value) {
      this.tcpListen = value;
      this.tcpListenGiven = true;
      return this;
    }

    public Builder wsListen(HostPort value) {
      this.wsListen = value;
      return this;
    }

    public Builder adminListen(HostPort value) {
      this.adminListen = value;
      return this;
    }

    public Builder routing(Routing value) {
      this.routing = value;
      return this;
    }

    public Builder transport(TransportKind value) {
      this.transport = Objects.requireNonNull(value, "transport");
      return this;
    }

    public Builder splice(SpliceMode value) {
      this.splice = Objects.requireNonNull(value, "splice");
      return this;
    }

    public Builder store(StoreMode value) {
      this.store = Objects.requireNonNull(value, "store");
      return this;
    }

    public Builder jdbcUrl(String value) {
      this.jdbcUrl = value;
      return this;
    }

    public Builder jdbcUser(String value) {
      this.jdbcUser = value;
      return this;
    }

    public Builder jdbcPassword(String value) {
      this.jdbcPassword = value;
      return this;
    }

    public Builder dataDir(Path value) {
      this.dataDir = Objects.requireNonNull(value, "dataDir");
      return this;
    }

    public Builder notifyChannel(String value) {
      this.notifyChannel = value;
      return this;
    }

    public Builder controlChannel(String value) {
      this.controlChannel = value;
      return this;
    }

    public Builder countSynthetic(boolean value) {
      this.countSynthetic = value;
      return this;
    }

    public Builder retainedSessions(int value) {
      this.retainedSessions = value;
      return this;
    }

    public Builder mirrorSql(String value) {
      this.mirrorSql = value;
      return this;
    }

    /** Null for the default, the host name. */
    public Builder replicaId(String value) {
      this.replicaId = value;
      return this;
    }

    public Builder blindPolicy(BlindPolicy value) {
      this.blindPolicy = Objects.requireNonNull(value, "blindPolicy");
      return this;
    }

    public Builder activeWindow(Duration value) {
      this.activeWindow = value;
      return this;
    }

    public Builder persistInterval(Duration value) {
      this.persistInterval = value;
      return this;
    }

    public Builder flushTick(Duration value) {
      this.flushTick = value;
      return this;
    }

    public Builder handshakeTimeout(Duration value) {
      this.handshakeTimeout = value;
      return this;
    }

    public Builder maxConnections(int value) {
      this.maxConnections = value;
      return this;
    }

    /** 0 for no limit. */
    public Builder maxConnectionsPerIp(int value) {
      this.maxConnectionsPerIp = value;
      return this;
    }

    /** 0 for no limit. */
    public Builder maxConnectRatePerIp(int value) {
      this.maxConnectRatePerIp = value;
      return this;
    }

    /** Zero for no pings. */
    public Builder idleDisconnect(Duration value) {
      this.idleDisconnect = value;
      return this;
    }

    public Builder idleWarning(Duration value) {
      this.idleWarning = value;
      return this;
    }

    public Builder maxSessionDuration(Duration value) {
      this.maxSessionDuration = value;
      return this;
    }

    public Builder maxDurationWarning(Duration value) {
      this.maxDurationWarning = value;
      return this;
    }

    public Builder blindMaxDuration(Duration value) {
      this.blindMaxDuration = value;
      return this;
    }

    public Builder wsPingInterval(Duration value) {
      this.wsPingInterval = value;
      return this;
    }

    public Builder wsPongTimeout(Duration value) {
      this.wsPongTimeout = value;
      return this;
    }

    public Builder tokenFileCheck(Duration value) {
      this.tokenFileCheck = value;
      return this;
    }

    public Builder closeOnTokenExpiry(Boolean value) {
      this.closeOnTokenExpiry = value;
      return this;
    }

    /** Zero for never. */
    public Builder routeRecheck(Duration value) {
      this.routeRecheck = value;
      return this;
    }

    /** Zero for no TCP keep-alive. */
    public Builder tcpKeepAliveIdle(Duration value) {
      this.tcpKeepAliveIdle = value;
      return this;
    }

    public Builder tcpKeepAliveInterval(Duration value) {
      this.tcpKeepAliveInterval = value;
      return this;
    }

    public Builder tcpKeepAliveCount(int value) {
      this.tcpKeepAliveCount = value;
      return this;
    }

    /** Only with JWT routing; null for the default, the longest duration. */
    public Builder maxTokenLifetime(Duration value) {
      this.maxTokenLifetime = value;
      return this;
    }

    public Builder tls(Path cert, Path key) {
      this.tlsCert = cert;
      this.tlsKey = key;
      return this;
    }

    public Builder allowedOrigin(String origin) {
      this.allowedOrigins.add(origin);
      return this;
    }

    /** A directory as {@code --web} gives it: a real path (see {@code ConfigFiles#directory}); null for none. */
    public Builder web(Path dir) {
      this.web = dir;
      return this;
    }

    public Builder adminToken(String value) {
      this.adminToken = value;
      return this;
    }

    /** One endpoint; repeat for several. */
    public Builder webhookUrl(String url) {
      this.webhookUrls.add(url);
      return this;
    }

    /** The signing key bytes (the text of a secret file becomes them by {@code WebhookSigner.parseKey}). */
    public Builder webhookSecret(byte[] value) {
      this.webhookSecret = value == null ? null : value.clone();
      return this;
    }

    /** One event type to send; none named sends every type. */
    public Builder webhookEvent(EventType type) {
      this.webhookEvents.add(Objects.requireNonNull(type, "type"));
      return this;
    }

    public Builder webhookQueue(int value) {
      this.webhookQueue = value;
      return this;
    }

    public Builder webhookTimeout(Duration value) {
      this.webhookTimeout = value;
      return this;
    }

    public Builder inspect(boolean value) {
      this.inspect = value;
      return this;
    }

    /** {@code --view-only}: the same as {@link #inputPermissions} {@code none}. Null keeps the default. */
    public Builder viewOnly(Boolean value) {
      if (value != null) {
        this.viewOnly = value;
      }
      return this;
    }

    /** {@code --input-permissions}; null keeps the default ({@code all}). */
    public Builder inputPermissions(InputPermissions value) {
      if (value != null) {
        this.inputPermissions = value;
      }
      return this;
    }

    public Builder frameBudget(boolean value) {
      this.frameBudget = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Checks every value ({@link Setting#check}), then the rules between settings ({@link ProxyRules}), and seals.
     *
     * @throws ConfigException naming the flag at fault
     */
    public ProxyConfig build() {
      checkEachValue();
      if (viewOnly && !inputPermissions.isAll() && !inputPermissions.equals(InputPermissions.none())) {
        throw new ConfigException(INPUT_PERMISSIONS.flag(), inputPermissions.toString(), "conflicts with "
            + VIEW_ONLY.flag() + ", which allows no input");
      }
      if (!tcpListenGiven) {
        // A raw TCP viewer has no way to present a token, so only the static route can serve one.
        tcpListen = routing instanceof Routing.Static ? ProxySettings.STATIC_ROUTE_TCP_LISTEN : null;
      }
      ProxyConfig config = new ProxyConfig(this);
      ProxyRules.check(config);
      return config;
    }

    /** The five policy flags as one value (docs/architecture.md#policies); a warning needs its limit, and less. */
    private ViewerPolicy policy() {
      idleDisconnect = IDLE_DISCONNECT.check(idleDisconnect);
      idleWarning = IDLE_WARNING.check(idleWarning);
      maxSessionDuration = MAX_SESSION_DURATION.check(maxSessionDuration);
      maxDurationWarning = MAX_DURATION_WARNING.check(maxDurationWarning);
      blindMaxDuration = BLIND_MAX_DURATION.check(blindMaxDuration);
      warningWithin(IDLE_WARNING, idleWarning, IDLE_DISCONNECT, idleDisconnect);
      warningWithin(MAX_DURATION_WARNING, maxDurationWarning, MAX_SESSION_DURATION, maxSessionDuration);
      ViewerPolicy.Builder b = ViewerPolicy.builder();
      set(IDLE_DISCONNECT, idleDisconnect, b::idleDisconnect);
      set(IDLE_WARNING, idleWarning, b::idleWarning);
      set(MAX_SESSION_DURATION, maxSessionDuration, b::maxSessionDuration);
      set(MAX_DURATION_WARNING, maxDurationWarning, b::maxDurationWarning);
      set(BLIND_MAX_DURATION, blindMaxDuration, b::blindMaxDuration);
      return b.build();
    }

    private static void warningWithin(Setting<Duration> warning, Duration lead, Setting<Duration> limit,
        Duration limitValue) {
      if (lead.isZero()) {
        return;
      }
      if (limitValue.isZero()) {
        throw new ConfigException(warning.flag(), Durations.format(lead), "needs " + limit.flag()
            + ": a warning of a close that never comes");
      }
      if (lead.compareTo(limitValue) >= 0) {
        throw new ConfigException(warning.flag(), Durations.format(lead), "must be shorter than " + limit.flag()
            + " (" + Durations.format(limitValue) + ")");
      }
    }

    private static void set(Setting<Duration> setting, Duration value,
        java.util.function.Consumer<Duration> setter) {
      if (value.isZero()) {
        return; // off
      }
      try {
        setter.accept(value);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(setting.flag(), Durations.format(value), "must be at most "
            + Durations.format(ViewerPolicy.MAX_LIMIT), e);
      }
    }

    private void checkEachValue() {
      activeWindow = ACTIVE_WINDOW.check(activeWindow);
      persistInterval = PERSIST_INTERVAL.check(persistInterval);
      flushTick = FLUSH_TICK.check(flushTick);
      handshakeTimeout = HANDSHAKE_TIMEOUT.check(handshakeTimeout);
      maxConnections = MAX_CONNECTIONS.check(maxConnections);
      maxConnectionsPerIp = MAX_CONNECTIONS_PER_IP.check(maxConnectionsPerIp);
      maxConnectRatePerIp = MAX_CONNECT_RATE_PER_IP.check(maxConnectRatePerIp);
      wsPingInterval = WS_PING_INTERVAL.check(wsPingInterval);
      wsPongTimeout = WS_PONG_TIMEOUT.check(wsPongTimeout);
      if (tokenFileCheck != null) {
        tokenFileCheck = TOKEN_FILE_CHECK.check(tokenFileCheck);
      }
      routeRecheck = ROUTE_RECHECK.check(routeRecheck);
      tcpKeepAliveIdle = TCP_KEEPALIVE_IDLE.check(tcpKeepAliveIdle);
      tcpKeepAliveInterval = TCP_KEEPALIVE_INTERVAL.check(tcpKeepAliveInterval);
      tcpKeepAliveCount = TCP_KEEPALIVE_COUNT.check(tcpKeepAliveCount);
      if (maxTokenLifetime != null) {
        maxTokenLifetime = MAX_TOKEN_LIFETIME.check(maxTokenLifetime);
      }
      jdbcUrl = JDBC_URL.check(jdbcUrl);
      mirrorSql = MIRROR_SQL.check(mirrorSql);
      notifyChannel = NOTIFY_CHANNEL.check(notifyChannel);
      controlChannel = CONTROL_CHANNEL.check(controlChannel);
      retainedSessions = RETAINED_SESSIONS.check(retainedSessions);
      policy = policy();
      replicaId = REPLICA_ID.check(replicaId == null ? REPLICA_ID.defaultValue() : replicaId);
      List<String> normalised = new ArrayList<>();
      for (String origin : allowedOrigins) {
        normalised.add(ALLOWED_ORIGIN.check(origin));
      }
      allowedOrigins.clear();
      allowedOrigins.addAll(normalised);
      List<String> urls = new ArrayList<>();
      for (String url : webhookUrls) {
        urls.add(WEBHOOK_URL.check(url));
      }
      webhookUrls.clear();
      webhookUrls.addAll(urls);
      webhookQueue = WEBHOOK_QUEUE.check(webhookQueue);
      webhookTimeout = WEBHOOK_TIMEOUT.check(webhookTimeout);
    }
  }
}
