package org.rfbactivity.proxy.config;

import static org.rfbactivity.proxy.config.ProxySettings.CONTROL_CHANNEL;
import static org.rfbactivity.proxy.config.ProxySettings.ADMIN_LISTEN;
import static org.rfbactivity.proxy.config.ProxySettings.JDBC_PASSWORD_FILE;
import static org.rfbactivity.proxy.config.ProxySettings.JDBC_URL;
import static org.rfbactivity.proxy.config.ProxySettings.JDBC_USER;
import static org.rfbactivity.proxy.config.ProxySettings.MAX_TOKEN_LIFETIME;
import static org.rfbactivity.proxy.config.ProxySettings.MIRROR_SQL;
import static org.rfbactivity.proxy.config.ProxySettings.ROUTE_QUERY;
import static org.rfbactivity.proxy.config.ProxySettings.TCP_LISTEN;
import static org.rfbactivity.proxy.config.ProxySettings.TLS_CERT;
import static org.rfbactivity.proxy.config.ProxySettings.TLS_KEY;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_EVENTS;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_SECRET_FILE;
import static org.rfbactivity.proxy.config.ProxySettings.WEBHOOK_URL;
import static org.rfbactivity.proxy.config.ProxySettings.WS_LISTEN;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.rfbactivity.activity.ActivityConfig;
import org.rfbactivity.activity.ActivitySetting;
import org.rfbactivity.activity.RuleViolation;

/**
 * The rules between the proxy's settings, checked by {@link ProxyConfig.Builder#build()} once every value has passed
 * its own check, before the configuration is handed out. The rules between the tracker's settings stay activity-core's
 * ({@link ActivityConfig.Rule}): they are checked by building the tracker's configuration and reported under the
 * flags' names. Choosing one way of routing is the command line's ({@link ProxyCommand}), which hands over a
 * {@link Routing}.
 */
final class ProxyRules {

  private ProxyRules() {}

  /** @throws ConfigException for the first rule broken, naming the flag at fault */
  static void check(ProxyConfig c) {
    Routing routing = c.routing();
    if (routing == null) {
      throw new ConfigException("route", null, "missing: give --target or --unix-target with --session-id, "
          + "--token-file, --route-query, --jwt-secret-file, --jwt-encoded-secret-file or --jwt-public-key");
    }
    if (c.tcpListen() == null && c.wsListen() == null) {
      throw new ConfigException(WS_LISTEN.flag(), ProxySettings.NONE,
          "at least one of --tcp-listen and --ws-listen is needed");
    }
    if (c.tcpListen() != null && !(routing instanceof Routing.Static)) {
      throw new ConfigException(TCP_LISTEN.flag(), c.tcpListen().toString(), "raw TCP viewers cannot present a "
          + "token, so the TCP frontend needs --target with --session-id (or --tcp-listen none)");
    }
    checkTrackerRules(c);
    // Given with another routing it would silently do nothing, and an operator would believe tokens bounded that are
    // not (the same reason as --jdbc-url without a use).
    if (c.maxTokenLifetimeGiven() && !(routing instanceof Routing.JwtHs256 || routing instanceof Routing.JwtRs256)) {
      throw new ConfigException(MAX_TOKEN_LIFETIME.flag(), MAX_TOKEN_LIFETIME.display(c.maxTokenLifetime()),
          "applies only to JWT routing (--jwt-secret-file or --jwt-public-key)");
    }
    // As --max-token-lifetime: given with a routing they do not apply to, they would silently do nothing.
    if (c.tokenFileCheckGiven() && !(routing instanceof Routing.TokenFile)) {
      throw new ConfigException(ProxySettings.TOKEN_FILE_CHECK.flag(),
          ProxySettings.TOKEN_FILE_CHECK.display(c.tokenFileCheck()), "applies only to --token-file routing");
    }
    if (c.closeOnTokenExpiryGiven() && !(routing instanceof Routing.JwtHs256 || routing instanceof Routing.JwtRs256)) {
      throw new ConfigException(ProxySettings.CLOSE_ON_TOKEN_EXPIRY.flag(),
          String.valueOf(c.closeOnTokenExpiry()), "applies only to JWT routing (--jwt-secret-file or --jwt-public-key)");
    }
    if (!c.routeRecheck().isZero() && !(routing instanceof Routing.RouteQuery)) {
      throw new ConfigException(ProxySettings.ROUTE_RECHECK.flag(),
          ProxySettings.ROUTE_RECHECK.display(c.routeRecheck()), "applies only to --route-query routing");
    }
    if ((c.tlsCert() == null) != (c.tlsKey() == null)) {
      throw new ConfigException(c.tlsCert() == null ? TLS_CERT.flag() : TLS_KEY.flag(), null,
          "--tls-cert and --tls-key go together");
    }
    if (routing instanceof Routing.RouteQuery && c.store() == StoreMode.MEMORY && c.jdbcUrl() == null) {
      throw new ConfigException(ROUTE_QUERY.flag(), null,
          "needs a database: give --jdbc-url, or keep --store postgres for the embedded one");
    }
    if ((c.jdbcUser() != null || c.jdbcPassword() != null) && c.jdbcUrl() == null) {
      throw new ConfigException(c.jdbcUser() != null ? JDBC_USER.flag() : JDBC_PASSWORD_FILE.flag(), null,
          "needs --jdbc-url (the embedded database takes no credentials)");
    }
    if (c.jdbcUrl() != null && c.store() == StoreMode.MEMORY && !(routing instanceof Routing.RouteQuery)) {
      throw new ConfigException(JDBC_URL.flag(), JDBC_URL.display(c.jdbcUrl()),
          "has no use with --store memory and no --route-query");
    }
    if (c.mirrorSql() != null && c.store() != StoreMode.POSTGRES) {
      throw new ConfigException(MIRROR_SQL.flag(), null,
          "needs --store postgres (the mirror runs in the transaction that writes last_activity)");
    }
    if (c.controlChannel().equals(c.notifyChannel())) {
      // The event feed would hear the commands as events, and every replica would execute every event.
      throw new ConfigException(CONTROL_CHANNEL.flag(), c.controlChannel(), "same channel as --notify-channel");
    }
    requireDistinctListeners(c);
    checkWebhooks(c);
  }

  /** A webhook is always signed; its other settings without a URL would silently do nothing. */
  private static void checkWebhooks(ProxyConfig c) {
    boolean urls = !c.webhookUrls().isEmpty();
    if (urls && c.webhookSecret() == null) {
      throw new ConfigException(WEBHOOK_SECRET_FILE.flag(), null, "missing: --webhook-url needs a signing secret");
    }
    if (!urls && c.webhookSecret() != null) {
      throw new ConfigException(WEBHOOK_SECRET_FILE.flag(), null, "has no use without --webhook-url");
    }
    if (!urls && c.webhookEventsGiven()) {
      throw new ConfigException(WEBHOOK_EVENTS.flag(), null, "has no use without --webhook-url");
    }
    Set<String> seen = new HashSet<>();
    for (String url : c.webhookUrls()) {
      if (!seen.add(url)) {
        throw new ConfigException(WEBHOOK_URL.flag(), WEBHOOK_URL.display(url), "given twice");
      }
    }
  }

  /**
   * activity-core's rules between the tracker's settings, checked by building the tracker's configuration once and
   * reported under the flags' names: {@code --persist-interval=30s: must be shorter than --active-window (30s)}.
   * Checked here, a setting the tracker would refuse stops the proxy before it opens the database, not after.
   */
  private static void checkTrackerRules(ProxyConfig c) {
    try {
      c.trackerSettings().build();
    } catch (RuleViolation e) {
      ActivityConfig.Rule rule = e.rule();
      throw new ConfigException(flagOf(rule.setting()), Durations.format(e.value()), rule.relation().requirement()
          + " " + flagOf(rule.other()) + " (" + Durations.format(e.otherValue()) + ")", e);
    }
  }

  /** The flag of a tracker setting; activity-core's name for one that has no flag. */
  private static String flagOf(ActivitySetting<?> trackerSetting) {
    Setting<?> setting = ProxySettings.tracking(trackerSetting);
    return setting == null ? trackerSetting.name() : setting.flag();
  }

  private static void requireDistinctListeners(ProxyConfig c) {
    HostPort[] listens = {c.tcpListen(), c.wsListen(), c.adminListen()};
    List<Setting<HostPort>> flags = List.of(TCP_LISTEN, WS_LISTEN, ADMIN_LISTEN);
    for (int i = 0; i < listens.length; i++) {
      for (int j = i + 1; j < listens.length; j++) {
        if (listens[i] != null && listens[i].port() != 0 && listens[i].equals(listens[j])) {
          throw new ConfigException(flags.get(j).flag(), listens[j].toString(), "same address as "
              + flags.get(i).flag());
        }
      }
    }
  }
}
