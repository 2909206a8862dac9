package org.rfbactivity.proxy.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.rfbactivity.activity.ActivitySettings;
import org.rfbactivity.activity.BlindPolicy;
import org.rfbactivity.activity.store.JdbcActivityStore;

/**
 * The proxy's whole configuration, validated once by {@link Builder#build()} and immutable afterwards (the
 * HikariCP habit: validate, then seal). Built from the command line by {@link ProxyCommand}, or directly by
 * tests and benchmarks. Secrets (database password, admin token) are masked in {@link #toString()}.
 */
public final class ProxyConfig {

  /** Default {@code --handshake-timeout}: long enough for a scripted VNC login, short enough to shed stuck sockets. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  /** {@link #MAX_DURATION} in hours: a compile-time constant, so that help texts can name it. */
  public static final int MAX_DURATION_HOURS = 24;
  /**
   * Longest accepted duration setting. Timers count nanoseconds in a long (292 years at most) and add durations to
   * the current time; a day is far beyond any sensible window or timeout and far from any overflow.
   */
  public static final Duration MAX_DURATION = Duration.ofHours(MAX_DURATION_HOURS);
  /**
   * Default {@code --max-token-lifetime}: the longest duration accepted. A JWT is checked only when its viewer
   * connects (the session outlives it), so a platform needs no more than a day even for a token issued once a day;
   * a longer one is a standing key in a URL, and URLs end up in browser histories and proxy logs.
   */
  public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = MAX_DURATION;
  /** Default for {@code --max-connections}: DESIGN.md §6 sizes one 2-core box for 10k idle viewers. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /**
   * Default for {@code --max-connections-per-ip}: far above one person's viewers, enough for an office behind one NAT
   * address, and a hundredth of the total, so no single address can take the proxy.
   */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 100;
  /** Default {@code --max-connect-rate-per-ip}: a NAT'd office's reconnect storm passes, a connect flood does not. */
  public static final int DEFAULT_MAX_CONNECT_RATE_PER_IP = 20;

  private final HostPort tcpListen;
  private final HostPort wsListen;
  private final HostPort adminListen;
  private final Routing routing;
  private final StoreMode store;
  private final String jdbcUrl;
  private final String jdbcUser;
  private final String jdbcPassword;
  private final Path dataDir;
  private final String mirrorSql;
  private final String replicaId;
  private final BlindPolicy blindPolicy;
  private final Duration activeWindow;
  private final Duration persistInterval;
  private final Duration flushTick;
  private final Duration handshakeTimeout;
  private final int maxConnections;
  private final int maxConnectionsPerIp;
  private final int maxConnectRatePerIp;
  private final Duration maxTokenLifetime;
  private final Path tlsCert;
  private final Path tlsKey;
  private final List<String> allowedOrigins;
  private final String adminToken;
  private final boolean inspect;
  private final Clock clock;

  private ProxyConfig(Builder b) {
    this.tcpListen = b.tcpListen;
    this.wsListen = b.wsListen;
    this.adminListen = b.adminListen;
    this.routing = b.routing;
    this.store = b.store;
    this.jdbcUrl = b.jdbcUrl;
    this.jdbcUser = b.jdbcUser;
    this.jdbcPassword = b.jdbcPassword;
    this.dataDir = b.dataDir;
    this.mirrorSql = b.mirrorSql;
    this.replicaId = b.replicaId;
    this.blindPolicy = b.blindPolicy;
    this.activeWindow = b.activeWindow;
    this.persistInterval = b.persistInterval;
    this.flushTick = b.flushTick;
    this.handshakeTimeout = b.handshakeTimeout;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerIp = b.maxConnectionsPerIp;
    this.maxConnectRatePerIp = b.maxConnectRatePerIp;
    this.maxTokenLifetime = b.maxTokenLifetime == null ? DEFAULT_MAX_TOKEN_LIFETIME : b.maxTokenLifetime;
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.allowedOrigins = List.copyOf(b.allowedOrigins);
    this.adminToken = b.adminToken;
    this.inspect = b.inspect;
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

  /** This proxy in the viewer rows of a shared database (default: the host name). */
  public String replicaId() {
    return replicaId;
  }

  /** How a viewer whose stream cannot be inspected counts toward its session's state. */
  public BlindPolicy blindPolicy() {
    return blindPolicy;
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

  /** Longest JWT lifetime accepted ({@code exp} ahead of now, and {@code exp - iat}); used by JWT routing only. */
  public Duration maxTokenLifetime() {
    return maxTokenLifetime;
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

  /** Bearer token required on the admin port (except health probes), or null for none. */
  public String adminToken() {
    return adminToken;
  }

  /** Whether the RFB inspector runs on each backend channel (always on from the CLI; benchmarks turn it off). */
  public boolean inspect() {
    return inspect;
  }

  /** Wall clock used for JWT expiry and timestamps. */
  public Clock clock() {
    return clock;
  }

  /** True when {@link #store()} is POSTGRES or the route query needs a database. */
  public boolean needsDatabase() {
    return store == StoreMode.POSTGRES || routing instanceof Routing.RouteQuery;
  }

  @Override
  public String toString() {
    return "ProxyConfig[tcpListen=" + tcpListen + ", wsListen=" + wsListen + ", adminListen=" + adminListen
        + ", routing=" + routing.kind() + ", store=" + store
        + ", jdbcUrl=" + (jdbcUrl == null ? "embedded in " + dataDir : JdbcUrls.mask(jdbcUrl))
        + ", jdbcUser=" + jdbcUser + ", jdbcPassword=" + (jdbcPassword == null ? "none" : "<masked>")
        + ", mirrorSql=" + (mirrorSql != null) + ", replicaId=" + replicaId + ", blindPolicy=" + blindPolicy
        + ", activeWindow=" + activeWindow + ", persistInterval=" + persistInterval + ", flushTick=" + flushTick
        + ", handshakeTimeout=" + handshakeTimeout + ", maxConnections=" + maxConnections
        + ", maxConnectionsPerIp=" + maxConnectionsPerIp + ", maxConnectRatePerIp=" + maxConnectRatePerIp
        + ", maxTokenLifetime=" + maxTokenLifetime
        + ", tls=" + (tlsCert != null) + ", allowedOrigins=" + allowedOrigins
        + ", adminToken=" + (adminToken == null ? "none" : "<masked>") + ", inspect=" + inspect + "]";
  }

  /** Fail-fast builder; {@link #build()} throws {@link ConfigException} naming the flag at fault. */
  public static final class Builder {
    private HostPort tcpListen;
    private HostPort wsListen;
    private HostPort adminListen;
    private Routing routing;
    private StoreMode store = StoreMode.POSTGRES;
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private Path dataDir = Path.of("rfba-data");
    private String mirrorSql;
    private String replicaId;
    private BlindPolicy blindPolicy = BlindPolicy.ACTIVE_WHILE_SENDING;
    private Duration activeWindow = ActivitySettings.ACTIVE_WINDOW.defaultValue();
    private Duration persistInterval = ActivitySettings.PERSIST_INTERVAL.defaultValue();
    private Duration flushTick = ActivitySettings.FLUSH_TICK.defaultValue();
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
    private int maxConnectRatePerIp = DEFAULT_MAX_CONNECT_RATE_PER_IP;
    private Duration maxTokenLifetime;
    private Path tlsCert;
    private Path tlsKey;
    private final List<String> allowedOrigins = new ArrayList<>();
    private String adminToken;
    private boolean inspect = true;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder tcpListen(HostPort value) {
      this.tcpListen = value;
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

    public Builder mirrorSql(String value) {
      this.mirrorSql = value;
      return this;
    }

    /** Default: the host name ({@link ActivitySettings#REPLICA_ID}). */
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

    /** Only with JWT routing; default {@link #DEFAULT_MAX_TOKEN_LIFETIME}. */
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

    public Builder adminToken(String value) {
      this.adminToken = value;
      return this;
    }

    public Builder inspect(boolean value) {
      this.inspect = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public ProxyConfig build() {
      if (routing == null) {
        throw new ConfigException("route", null, "missing: give --target with --session-id, --token-file, "
            + "--route-query, --jwt-secret-file or --jwt-public-key");
      }
      if (tcpListen == null && wsListen == null) {
        throw new ConfigException("--ws-listen", "none", "at least one of --tcp-listen and --ws-listen is needed");
      }
      if (tcpListen != null && !(routing instanceof Routing.Static)) {
        throw new ConfigException("--tcp-listen", tcpListen.toString(), "raw TCP viewers cannot present a token, "
            + "so the TCP frontend needs --target with --session-id (or --tcp-listen none)");
      }
      requirePositive("--active-window", activeWindow);
      requirePositive("--persist-interval", persistInterval);
      requirePositive("--flush-tick", flushTick);
      requirePositive("--handshake-timeout", handshakeTimeout);
      // activity-core's rules (ActivityConfig): a session must be written before it can turn idle, and ticks must
      // be able to honour the persist interval.
      if (persistInterval.compareTo(activeWindow) >= 0) {
        throw new ConfigException("--persist-interval", Durations.format(persistInterval),
            "must be shorter than --active-window (" + Durations.format(activeWindow) + ")");
      }
      if (flushTick.compareTo(persistInterval) > 0) {
        throw new ConfigException("--flush-tick", Durations.format(flushTick),
            "must not be longer than --persist-interval (" + Durations.format(persistInterval) + ")");
      }
      if (maxConnections < 1) {
        throw new ConfigException("--max-connections", Integer.toString(maxConnections), "must be at least 1");
      }
      if (maxConnectionsPerIp < 0) {
        throw new ConfigException("--max-connections-per-ip", Integer.toString(maxConnectionsPerIp),
            "must be 0 (no limit) or more");
      }
      if (maxConnectRatePerIp < 0) {
        throw new ConfigException("--max-connect-rate-per-ip", Integer.toString(maxConnectRatePerIp),
            "must be 0 (no limit) or more");
      }
      checkMaxTokenLifetime();
      if ((tlsCert == null) != (tlsKey == null)) {
        throw new ConfigException(tlsCert == null ? "--tls-cert" : "--tls-key", null,
            "--tls-cert and --tls-key go together");
      }
      if (routing instanceof Routing.RouteQuery && store == StoreMode.MEMORY && jdbcUrl == null) {
        throw new ConfigException("--route-query", null,
            "needs a database: give --jdbc-url, or keep --store postgres for the embedded one");
      }
      if ((jdbcUser != null || jdbcPassword != null) && jdbcUrl == null) {
        throw new ConfigException(jdbcUser != null ? "--jdbc-user" : "--jdbc-password-file", null,
            "needs --jdbc-url (the embedded database takes no credentials)");
      }
      if (jdbcUrl != null && store == StoreMode.MEMORY && !(routing instanceof Routing.RouteQuery)) {
        throw new ConfigException("--jdbc-url", JdbcUrls.mask(jdbcUrl),
            "has no use with --store memory and no --route-query");
      }
      if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new ConfigException("--jdbc-url", JdbcUrls.mask(jdbcUrl),
            "expected jdbc:postgresql://HOST[:PORT]/DATABASE");
      }
      checkMirror();
      if (replicaId == null) {
        replicaId = ActivitySettings.REPLICA_ID.defaultValue();
      }
      if (replicaId.isEmpty() || replicaId.length() > ActivitySettings.MAX_REPLICA_ID_LENGTH
          || replicaId.chars().anyMatch(Character::isISOControl)) {
        throw new ConfigException("--replica-id", replicaId, "expected 1.." + ActivitySettings.MAX_REPLICA_ID_LENGTH
            + " characters without control characters");
      }
      requireDistinct();
      List<String> normalised = new ArrayList<>();
      for (String origin : allowedOrigins) {
        normalised.add(normaliseOrigin(origin));
      }
      allowedOrigins.clear();
      allowedOrigins.addAll(normalised);
      return new ProxyConfig(this);
    }

    /**
     * Given with another routing it would silently do nothing, and an operator would believe tokens bounded that
     * are not (the same reason as --jdbc-url without a use).
     */
    private void checkMaxTokenLifetime() {
      if (maxTokenLifetime == null) {
        return;
      }
      requirePositive("--max-token-lifetime", maxTokenLifetime);
      if (!(routing instanceof Routing.JwtHs256 || routing instanceof Routing.JwtRs256)) {
        throw new ConfigException("--max-token-lifetime", Durations.format(maxTokenLifetime),
            "applies only to JWT routing (--jwt-secret-file or --jwt-public-key)");
      }
    }

    /** The mirror's form (activity-core parses it); whether the database accepts it is checked at start. */
    private void checkMirror() {
      if (mirrorSql == null) {
        return;
      }
      if (store != StoreMode.POSTGRES) {
        throw new ConfigException("--mirror-sql", null,
            "needs --store postgres (the mirror runs in the transaction that writes last_activity)");
      }
      try {
        JdbcActivityStore.builder().mirrorSql(mirrorSql);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--mirror-sql", mirrorSql, e.getMessage().replaceFirst("^mirrorSql ", ""));
      }
    }

    private static void requirePositive(String flag, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new ConfigException(flag, String.valueOf(d), "must be greater than zero");
      }
      if (d.compareTo(MAX_DURATION) > 0) {
        throw new ConfigException(flag, Durations.format(d), "must be at most " + Durations.format(MAX_DURATION));
      }
    }

    private void requireDistinct() {
      HostPort[] listens = {tcpListen, wsListen, adminListen};
      String[] flags = {"--tcp-listen", "--ws-listen", "--admin-listen"};
      for (int i = 0; i < listens.length; i++) {
        for (int j = i + 1; j < listens.length; j++) {
          if (listens[i] != null && listens[i].port() != 0 && listens[i].equals(listens[j])) {
            throw new ConfigException(flags[j], listens[j].toString(), "same address as " + flags[i]);
          }
        }
      }
    }

    /** {@code https://Example.com:443/} → {@code https://example.com:443}; browsers send origins without a path. */
    static String normaliseOrigin(String origin) {
      String value = origin == null ? "" : origin.trim().toLowerCase(Locale.ROOT);
      while (value.endsWith("/")) {
        value = value.substring(0, value.length() - 1);
      }
      int scheme = value.indexOf("://");
      if (scheme <= 0 || !(value.startsWith("http://") || value.startsWith("https://"))
          || value.indexOf('/', scheme + 3) >= 0 || value.length() == scheme + 3) {
        throw new ConfigException("--allowed-origin", origin, "expected an origin like https://app.example.com[:PORT]");
      }
      return value;
    }
  }
}
