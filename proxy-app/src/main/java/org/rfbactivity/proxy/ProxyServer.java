package org.rfbactivity.proxy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.activity.ActivityConfig;
import org.rfbactivity.activity.ActivityTracker;
import org.rfbactivity.activity.StoreHealth;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.Migrations;
import org.rfbactivity.proxy.admin.AdminServer;
import org.rfbactivity.proxy.admin.ClusterSessions;
import org.rfbactivity.proxy.admin.Readiness;
import org.rfbactivity.proxy.admin.TrackerSessionSource;
import org.rfbactivity.proxy.bridge.ActivityObservers;
import org.rfbactivity.proxy.bridge.PolicyCloser;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.JdbcUrls;
import org.rfbactivity.proxy.config.ProxyConfig;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.config.SpliceMode;
import org.rfbactivity.proxy.config.StoreMode;
import org.rfbactivity.proxy.control.Disconnects;
import org.rfbactivity.proxy.db.DatabaseStartException;
import org.rfbactivity.proxy.db.MirrorCheck;
import org.rfbactivity.proxy.db.ProxyDatabase;
import org.rfbactivity.proxy.events.EventHub;
import org.rfbactivity.proxy.events.NotifyFeeder;
import org.rfbactivity.proxy.metrics.EventLoopLagProbe;
import org.rfbactivity.proxy.metrics.JvmMetrics;
import org.rfbactivity.proxy.metrics.MicrometerActivityMetrics;
import org.rfbactivity.proxy.metrics.ProxyMetrics;
import org.rfbactivity.proxy.relay.BackendConnector;
import org.rfbactivity.proxy.relay.CloseReason;
import org.rfbactivity.proxy.relay.ConnectionLimits;
import org.rfbactivity.proxy.relay.RefusalLog;
import org.rfbactivity.proxy.relay.InputPermissionSource;
import org.rfbactivity.proxy.relay.RelayServices;
import org.rfbactivity.proxy.relay.RouteRevoker;
import org.rfbactivity.proxy.relay.TcpKeepAlive;
import org.rfbactivity.proxy.relay.TokenExpiry;
import org.rfbactivity.proxy.relay.Transport;
import org.rfbactivity.proxy.relay.ViewerRegistry;
import org.rfbactivity.proxy.route.RouteLookup;
import org.rfbactivity.proxy.route.RouteResolver;
import org.rfbactivity.proxy.route.RouteResolvers;
import org.rfbactivity.proxy.route.RoutingStatus;
import org.rfbactivity.proxy.tcp.TcpFrontendInitializer;
import org.rfbactivity.proxy.webhook.WebhookSink;
import org.rfbactivity.proxy.ws.PingSchedule;
import org.rfbactivity.proxy.ws.WebRoot;
import org.rfbactivity.proxy.ws.WebSocketFrontendInitializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the proxy's parts from its {@link ProxyConfig} and owns their lifecycle. The
 * constructor starts nothing; {@link #start()} checks the files, opens the database, binds every listener without
 * accepting, and only when all of that worked starts accepting (so a bad setting or a port in use stops the proxy
 * before it serves anyone). {@link #close()} stops accepting, closes each viewer on purpose (so its close is recorded),
 * flushes, closes the pool, and stops the threads.
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  /** How long shutdown waits for viewers to be closed and recorded. */
  static final Duration VIEWER_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /**
   * How long shutdown waits for the tracker's final flush (activity-core's default is 10 s). Against a database that
   * answers it takes milliseconds. Against one that does not, the flush may wait behind a tick that waits out the
   * pool's connection timeout (2 s), then wait out its own: this bound lets it fail by itself and report what was not
   * stored rather than be cut off, and keeps the whole stop within the 10 s Docker gives before SIGKILL. (An embedded
   * server that is down is refused at once, without waiting.)
   */
  static final Duration FINAL_FLUSH_TIMEOUT = Duration.ofSeconds(5);
  /** How long shutdown waits for the event loops to finish their queued work. */
  static final Duration LOOP_SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);
  /**
   * How often each viewer event loop is probed for lag. Each probe wakes an idle loop: at 100 ms an idle proxy spent
   * 3 ms of CPU a second more (measured); at 250 ms about a millisecond, with four samples a second per loop.
   */
  static final Duration LAG_PROBE_PERIOD = Duration.ofMillis(250);

  private final ProxyConfig config;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ProxyMetrics metrics = new ProxyMetrics(registry);
  private final JvmMetrics jvmMetrics = new JvmMetrics();
  private final ViewerRegistry viewers = new ViewerRegistry();

  private State state = State.NEW;
  private boolean stoppedCleanly;
  private volatile boolean accepting;
  /** The network transport of every event loop, listener and backend connection: chosen once, at start. */
  private Transport transport;
  private EventLoopGroup ioGroup;
  private EventLoopGroup adminGroup;
  private EventLoopLagProbe lagProbe;
  private Listener tcp = Listener.NONE;
  private Listener ws = Listener.NONE;
  private Listener admin = Listener.NONE;
  private ProxyDatabase database;
  private JdbcActivityStore store;
  private ClusterSessions clusterSessions;
  private ActivityTracker tracker;
  private RouteResolver routeResolver;
  private RouteLookup routeLookup;
  /** Closes the viewers of revoked tokens or removed rows; null for routings that have nothing to re-check. */
  private RouteRevoker revoker;
  private WebhookSink webhooks;
  /** The streams of /api/events: fed by the LISTEN feeder with a database store, by the tracker without one. */
  private final EventHub events = new EventHub(registry);
  private NotifyFeeder eventFeed;
  /** The admin API's DELETEs: local only without a database, through the control channel with one. */
  private Disconnects disconnects;

  private enum State { NEW, STARTED, CLOSED }

  public ProxyServer(ProxyConfig config) {
    this.config = config;
  }

  /**
   * Starts everything or nothing.
   *
   * @throws ConfigException for a setting that cannot work (bad file, unreachable database, port in use);
   *     everything started so far is stopped again
   * @throws DatabaseStartException when the embedded PostgreSQL cannot be started (another proxy holds
   *     {@code --data-dir}, it does not come up, or it refuses the schema)
   */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("start() called twice");
    }
    state = State.STARTED;
    try {
      transport = Transport.choose(config.transport());
      SslContext ssl = config.tlsCert() == null ? null : TlsContexts.server(config.tlsCert(), config.tlsKey());
      // A token file or a key is checked before the database starts; a route query opens it to be checked on it.
      routeResolver = RouteResolvers.create(config.routing(), config.maxTokenLifetime(), config.clock(),
          () -> openDatabase().dataSource());
      openDatabase();
      routeLookup = new RouteLookup(routeResolver, new DefaultThreadFactory("rfba-route", true));
      metrics.routeTableStale(() -> routeResolver.status().map(RoutingStatus::stale).orElse(false));
      jvmMetrics.bindTo(registry);
      metrics.transport(transport.label());
      webhooks = startWebhooks();
      tracker = new ActivityTracker(activityConfig());
      MicrometerActivityMetrics.sessionsByState(registry, tracker);
      if (config.routing() instanceof Routing.Static route) {
        tracker.declareSession(route.sessionId()); // known before any viewer: DISCONNECTED, not 404
      }
      if (store != null) {
        clusterSessions = new ClusterSessions(tracker, viewers, database.dataSource(),
            new DefaultThreadFactory("rfba-admin-db", true));
        disconnects = Disconnects.cluster(tracker.config().replicaId(), viewers, tracker, database.dataSource(),
            database.directDataSource(), config.controlChannel(), new DefaultThreadFactory("rfba-control", true),
            new DefaultThreadFactory("rfba-disconnect", true));
      } else {
        disconnects = Disconnects.local(tracker.config().replicaId(), viewers,
            new DefaultThreadFactory("rfba-disconnect", true));
      }
      bindListeners(ssl);
      tracker.start();
      if (store != null) {
        eventFeed = new NotifyFeeder(database.directDataSource(), config.notifyChannel(), events,
            new DefaultThreadFactory("rfba-event-feed", true));
        eventFeed.start();
      }
      disconnects.start();
      lagProbe = new EventLoopLagProbe(ioGroup, LAG_PROBE_PERIOD, metrics::eventLoopLag);
      lagProbe.start();
      revoker = revoker();
      if (revoker != null) {
        revoker.start();
      }
      tcp.accept();
      ws.accept();
      admin.accept();
      accepting = true;
      log.info("rfb-activity-proxy ready: tcp={} ws={} admin={} route={} store={}{} replica={} transport={} splice={}",
          tcp.describe(), ws.describe(), admin.describe(), config.routing().kind(),
          config.store().name().toLowerCase(Locale.ROOT),
          database == null ? "" : " (" + database.description() + ")", config.replicaId(), transport.label(),
          splice().label());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The database (embedded or external) when something needs one, with the schema and the store on it; opened at the
   * first call, null when nothing needs one.
   */
  private ProxyDatabase openDatabase() {
    if (database != null || !config.needsDatabase()) {
      return database;
    }
    database = ProxyDatabase.open(config);
    if (config.store() == StoreMode.POSTGRES) {
      applySchema();
      JdbcActivityStore.Builder b = JdbcActivityStore.builder().dataSource(database.dataSource())
          .notifyChannel(config.notifyChannel());
      if (config.mirrorSql() != null) {
        MirrorCheck.check(database.dataSource(), config.mirrorSql(), config.clock().instant());
        b.mirrorSql(config.mirrorSql());
      }
      store = b.build();
    }
    return database;
  }

  /** The splice mode in effect: {@code --splice}'s on epoll, {@code off} on the transports that cannot splice. */
  private SpliceMode splice() {
    return transport == Transport.EPOLL ? config.splice() : SpliceMode.OFF;
  }

  /**
   * Builds the relay and binds every listener without accepting yet; the frontends share one event loop group and
   * one set of connection limits.
   */
  private void bindListeners(SslContext ssl) {
    ioGroup = transport.eventLoops(Runtime.getRuntime().availableProcessors(), "rfba-io");
    adminGroup = transport.eventLoops(1, "rfba-admin");
    TcpKeepAlive keepAlive = TcpKeepAlive.of(transport, config.tcpKeepAliveIdle(), config.tcpKeepAliveInterval(),
        config.tcpKeepAliveCount());
    RelayServices relay = new RelayServices(routeLookup,
        new BackendConnector(transport, config.handshakeTimeout(), keepAlive),
        metrics, viewers, new ActivityObservers(tracker, metrics, config.handshakeTimeout(), config.inspect()),
        new RefusalLog(System::nanoTime), new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerIp(),
            config.maxConnectRatePerIp(), System::nanoTime),
        config.closeOnTokenExpiry() ? new TokenExpiry(true, config.clock()) : TokenExpiry.OFF,
        InputPermissionSource.byRoute(config.inputPermissions()),
        splice());
    if (config.tcpListen() != null) {
      tcp = Listener.bind(transport, "--tcp-listen", config.tcpListen(), ioGroup, false,
          new TcpFrontendInitializer(relay, ssl));
    }
    if (config.wsListen() != null) {
      ws = Listener.bind(transport, "--ws-listen", config.wsListen(), ioGroup, true,
          new WebSocketFrontendInitializer(relay, config.allowedOrigins(), ssl, config.frameBudget(),
              new PingSchedule(config.wsPingInterval(), config.wsPongTimeout()),
              config.web() == null ? null : WebRoot.of(config.web()), config.handshakeTimeout()));
    }
    if (config.adminListen() != null) {
      admin = Listener.bind(transport, "--admin-listen", config.adminListen(), adminGroup, true,
          new AdminServer(new TrackerSessionSource(tracker, viewers), clusterSessions, registry, this::readiness,
              config.adminToken(), events, disconnects));
    }
  }

  /**
   * The revocation check of the routing, when it has one: a token file is looked at every {@code --token-file-check},
   * a route query re-run every {@code --route-recheck} when that is set. JWTs end at their expiry instead
   * ({@link TokenExpiry}).
   */
  private RouteRevoker revoker() {
    if (config.routing() instanceof Routing.TokenFile) {
      return new RouteRevoker(routeResolver, viewers, config.tokenFileCheck(), CloseReason.TOKEN_REVOKED,
          "--token-file no longer routes its token there", new DefaultThreadFactory("rfba-revoke", true));
    }
    if (config.routing() instanceof Routing.RouteQuery && !config.routeRecheck().isZero()) {
      return new RouteRevoker(routeResolver, viewers, config.routeRecheck(), CloseReason.ROUTE_REMOVED,
          "--route-query no longer gives the route", new DefaultThreadFactory("rfba-revoke", true));
    }
    return null;
  }

  /**
   * Runs activity-core's idempotent schema script: a database that refuses it stops the start, as a setting when it
   * is the one {@code --jdbc-url} names, as a failure of the embedded server otherwise.
   */
  private void applySchema() {
    try {
      Migrations.apply(database.dataSource());
    } catch (SQLException e) {
      String problem = "cannot apply the schema: SQLSTATE " + e.getSQLState() + " " + e.getMessage();
      if (config.jdbcUrl() != null) {
        throw new ConfigException("--jdbc-url", JdbcUrls.mask(config.jdbcUrl()), problem, e);
      }
      throw new DatabaseStartException("--data-dir", config.dataDir().toString(), problem, e);
    }
  }

  /** The proxy's and the tracker's meters, every tag value known in advance registered at zero. */
  private MicrometerActivityMetrics declareMetrics() {
    metrics.declare();
    MicrometerActivityMetrics activityMetrics = new MicrometerActivityMetrics(registry);
    activityMetrics.declareBlindReasons();
    return activityMetrics;
  }

  private ActivityConfig activityConfig() {
    // The flags' tracker settings, which ProxyConfig has built once already (so this cannot be refused), and what
    // the proxy adds: its store, metrics and threads, and a final flush that fits in the stop.
    ActivityConfig.Builder b = config.trackerSettings()
        .closeTimeout(FINAL_FLUSH_TIMEOUT)
        .clock(config.clock())
        .threadFactory(new DefaultThreadFactory("rfba-activity", true))
        .metrics(declareMetrics())
        .policy(config.policy())
        .viewerCloser(new PolicyCloser(viewers))
        .listener(t -> log.debug("session {} {} -> {} at {} ({}, viewer {}, input {})", t.sessionId(), t.from(), t.to(),
            t.at(), t.reason(), t.causeViewerId(), t.causeInputKind()));
    if (store != null) {
      b.store(store);
    } else {
      b.eventListener(events); // with a store, every replica's events come back through NOTIFY (NotifyFeeder)
    }
    if (webhooks != null) {
      b.eventListener(webhooks);
    }
    return b.build();
  }

  /** The webhook sink, started, when {@code --webhook-url} is given; else null. */
  private WebhookSink startWebhooks() {
    if (config.webhookUrls().isEmpty()) {
      return null;
    }
    WebhookSink sink = WebhookSink.builder().endpoints(config.webhookUrls()).secret(config.webhookSecret())
        .events(config.webhookEvents()).queueLimit(config.webhookQueue()).timeout(config.webhookTimeout())
        .clock(config.clock()).threadFactory(new DefaultThreadFactory("rfba-webhook", true)).registry(registry)
        .build();
    sink.start();
    return sink;
  }

  /**
   * What {@code /readyz} reports: accepting viewers, the embedded server running, the store writing (or memory only),
   * and the routing source's status when it has one. While the database is down the relay keeps working and activity
   * is kept in memory; readiness says so. A stale route table (token file unreadable) is reported but leaves the proxy
   * ready: it still routes with its last good table, and replicas that read one broken file would otherwise all leave
   * a load balancer at once.
   */
  public Readiness readiness() {
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put("listeners", accepting ? "accepting" : "not accepting");
    ProxyDatabase db = database;
    boolean databaseOk = true;
    if (db != null && db.isEmbedded()) {
      databaseOk = db.available();
      checks.put("database", db.state());
    }
    boolean storeOk = true;
    if (store == null) {
      checks.put("store", "memory");
    } else if (tracker != null) {
      StoreHealth health = tracker.storeHealth();
      storeOk = health.healthy();
      checks.put("store", storeOk ? "healthy" : "unhealthy: " + health.consecutiveFailures()
          + " failed writes, SQLSTATE class " + health.lastErrorClass() + ", " + health.pendingSessions()
          + " sessions pending");
    }
    if (routeResolver != null) {
      routeResolver.status().ifPresent(status -> checks.put("routes", status.summary()));
    }
    return new Readiness(accepting && databaseOk && storeOk, checks);
  }

  /** Bound address of the raw TCP listener, or null when it is off. */
  public InetSocketAddress tcpAddress() {
    return tcp.address();
  }

  /** Bound address of the WebSocket listener, or null when it is off. */
  public InetSocketAddress wsAddress() {
    return ws.address();
  }

  /** Bound address of the admin listener, or null when it is off. */
  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /** Viewers connected right now (accepted and not closed). */
  public int connectedViewers() {
    return viewers.size();
  }

  /**
   * The open viewer connections, by id and by session: how the admin API, session policies and revocation find the
   * viewers to close ({@code ViewerConnection#closeFor}).
   */
  public ViewerRegistry viewers() {
    return viewers;
  }

  /** The streams of {@code /api/events}. */
  public EventHub events() {
    return events;
  }

  /** The viewer event loops (for tests that watch them). */
  EventLoopGroup eventLoops() {
    return ioGroup;
  }

  /** The database, or null with {@code --store memory} and no route query. */
  public ProxyDatabase database() {
    return database;
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Stops the proxy as described above; {@link #close()} is the same without the answer. Idempotent.
   *
   * @return true when everything stopped within its bound: every viewer closed and no embedded PostgreSQL left
   *     running (a final flush that could not reach the database is logged, not counted: nothing is left behind)
   */
  public synchronized boolean stop() {
    if (state == State.CLOSED) {
      return stoppedCleanly;
    }
    boolean clean = true;
    boolean wasServing = accepting;
    state = State.CLOSED;
    accepting = false;
    if (wasServing) {
      log.info("shutting down: closing {} viewers", viewers.size());
    }
    tcp.close();
    ws.close();
    if (revoker != null) {
      revoker.close(); // before the viewers close for the shutdown: each is closed once, with that reason
    }
    try {
      if (!viewers.closeAll(VIEWER_CLOSE_TIMEOUT)) {
        clean = false;
        log.warn("{} viewers did not close within {}", viewers.size(), VIEWER_CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (tracker != null) {
      tracker.close(); // closes what is left and runs the final flush
    }
    if (webhooks != null) {
      webhooks.close(); // after the tracker, whose final events it still queues
    }
    if (routeLookup != null) {
      routeLookup.close();
    }
    if (lagProbe != null) {
      lagProbe.close();
    }
    shutdown(ioGroup);
    if (store != null) {
      store.close();
    }
    if (clusterSessions != null) {
      clusterSessions.close();
    }
    if (disconnects != null) {
      disconnects.close();
    }
    if (eventFeed != null) {
      eventFeed.close();
    }
    if (database != null) {
      clean &= database.stop();
    }
    events.close();
    admin.close();
    shutdown(adminGroup);
    jvmMetrics.close();
    registry.close();
    if (wasServing) {
      log.info("stopped");
    }
    stoppedCleanly = clean;
    return clean;
  }

  private static void shutdown(EventLoopGroup group) {
    if (group != null) {
      group.shutdownGracefully(0, LOOP_SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .awaitUninterruptibly(LOOP_SHUTDOWN_TIMEOUT.toMillis() * 2);
    }
  }
}
