package org.rfbactivity.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rfbactivity.proxy.testing.TestProxy;

/**
 * Every metric the Grafana dashboard ({@code deploy/grafana}) and the alert rules ({@code deploy/prometheus}) query
 * is one a running proxy exports: a misspelt or renamed metric would leave a panel empty and an alert silent.
 */
class DeployMetricNamesTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Path DASHBOARD = DEPLOY.resolve("grafana/rfb-activity-proxy.json");
  private static final Path RULES = DEPLOY.resolve("prometheus/rfb-activity-proxy.rules.yaml");

  /** String literals, then label matchers and ranges, then label lists: none of them holds a metric name. */
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern LABEL_LIST =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  /** Grafana's variables ($__rate_interval, ${instance}). */
  private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{[^}]*}|\\w+)");
  /** A number or duration, or an identifier and whether a call follows it (a function or aggregation). */
  private static final Pattern TOKEN = Pattern.compile("[0-9][0-9a-zA-Z_.]*|([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
          "group_right", "inf", "nan");
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,");
  private static final Pattern TYPE_LINE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);

  @TempDir
  Path dir;

  @Test
  void everyMetricTheDashboardAndTheAlertsQueryIsExported() throws Exception {
    Set<String> dashboard = metricNames(dashboardQueries());
    Set<String> rules = metricNames(ruleExpressions());
    // One of each area the dashboard shows, so that a parser finding nothing cannot pass.
    assertThat(dashboard).contains("vnc_proxy_viewers_open", "vnc_proxy_viewers_blind",
        "vnc_activity_sessions", "vnc_activity_inputs_total", "vnc_proxy_relayed_bytes_total",
        "vnc_proxy_connections_refused_total", "vnc_activity_flush_seconds_count", "vnc_proxy_webhook_events_total",
        "vnc_proxy_event_loop_lag_seconds_bucket", "jvm_memory_used_bytes");
    assertThat(rules).contains("vnc_activity_flush_seconds_count", "vnc_proxy_viewers_blind",
        "vnc_proxy_connections_refused_total", "vnc_proxy_webhook_events_total");

    Map<String, String> families = families(scrapeProxyWithStoreAndWebhook());
    assertThat(Map.of(DASHBOARD, notExported(dashboard, families), RULES, notExported(rules, families)))
        .as("metrics the proxy does not export, by file")
        .isEqualTo(Map.of(DASHBOARD, Set.of(), RULES, Set.of()));
  }

  @Test
  void metricNamesAreTheSelectorsOfAnExpression() {
    assertThat(metricNames(List.of(
        "histogram_quantile(0.99, sum by (instance, le) (rate(vnc_proxy_event_loop_lag_seconds_bucket"
            + "{instance=~\"$instance\", job!=\"a{b}\"}[$__rate_interval])))",
        "sum by (job, reason) (rate(vnc_proxy_connections_refused_total[5m])) > 4 * sum(rate("
            + "vnc_proxy_connections_refused_total[1h] offset 1h)) and on (job) group_left (x) up",
        "sum(vnc_proxy_viewers_open) - sum without (reason) (vnc_proxy_viewers_blind) > bool 0",
        "max(jvm_memory_used_bytes{area=\"heap\"}) / ignoring (id) sum(rate(jvm_gc_pause_seconds_sum[1m]))",
        "label_values(vnc_proxy_viewers_open, instance)")))
        .containsExactlyInAnyOrder("vnc_proxy_event_loop_lag_seconds_bucket", "vnc_proxy_connections_refused_total",
            "up", "vnc_proxy_viewers_open", "vnc_proxy_viewers_blind", "jvm_memory_used_bytes",
            "jvm_gc_pause_seconds_sum");
  }

  @Test
  void aNameIsExportedOnlyWithTheSuffixesOfItsType() {
    Map<String, String> families = families(String.join("\n",
        "# TYPE vnc_proxy_event_loop_lag_seconds histogram",
        "# TYPE vnc_activity_flush_seconds summary",
        "# TYPE vnc_proxy_viewers_opened_total counter",
        "# TYPE vnc_proxy_viewers_open gauge", ""));
    assertThat(notExported(Set.of("vnc_proxy_event_loop_lag_seconds_bucket", "vnc_proxy_event_loop_lag_seconds_sum",
        "vnc_proxy_event_loop_lag_seconds_count", "vnc_activity_flush_seconds_sum", "vnc_activity_flush_seconds_count",
        "vnc_proxy_viewers_opened_total", "vnc_proxy_viewers_open"), families)).isEmpty();
    assertThat(notExported(Set.of("vnc_activity_flush_seconds_bucket", "vnc_proxy_event_loop_lag_seconds",
        "vnc_proxy_viewers_opened", "vnc_proxy_viewers_open_count", "vnc_proxy_viewer_open", "up"), families))
        .containsExactly("up", "vnc_activity_flush_seconds_bucket", "vnc_proxy_event_loop_lag_seconds",
            "vnc_proxy_viewer_open", "vnc_proxy_viewers_open_count", "vnc_proxy_viewers_opened");
  }

  /** A proxy with the embedded store and a webhook endpoint (a real receiver), so that their meters exist. */
  private String scrapeProxyWithStoreAndWebhook() throws IOException, InterruptedException {
    HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hooks", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    try {
      Path secret = Files.writeString(dir.resolve("webhook-secret"), "a plain text secret of 24+ bytes\n");
      try (TestProxy proxy = TestProxy.start("--target", "127.0.0.1:5901", "--session-id", "desk",
          "--store", "postgres", "--data-dir", dir.resolve("data").toString(),
          "--webhook-url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks",
          "--webhook-secret-file", secret.toString())) {
        // Micrometer registers the GC pause meter at the first collection, which a young test JVM may not have had.
        System.gc();
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
          HttpResponse<String> metrics = proxy.admin("/metrics");
          assertThat(metrics.statusCode()).isEqualTo(200);
          return metrics.body();
        }, body -> body.contains("# TYPE jvm_gc_pause_seconds summary"));
      }
    } finally {
      receiver.stop(0);
    }
  }

  private static List<String> dashboardQueries() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> queries = new ArrayList<>();
    collectPanelQueries(dashboard.path("panels"), queries);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        queries.add(variable.path("query").path("query").asText());
      }
    }
    return queries;
  }

  /** Targets of every panel, also of panels inside a collapsed row. */
  private static void collectPanelQueries(JsonNode panels, List<String> queries) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(target.path("expr").asText());
      }
      collectPanelQueries(panel.path("panels"), queries);
    }
  }

  private static List<String> ruleExpressions() throws IOException {
    JsonNode rules = new YAMLMapper().readTree(RULES.toFile());
    List<String> expressions = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        expressions.add(rule.path("expr").asText());
      }
    }
    return expressions;
  }

  /** The metric names an expression selects (a Grafana {@code label_values(metric, label)} query names one too). */
  static Set<String> metricNames(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher labelValues = LABEL_VALUES.matcher(expression);
      if (labelValues.find()) {
        names.add(labelValues.group(1));
        continue;
      }
      String bare = STRING.matcher(expression).replaceAll(" ");
      bare = MATCHERS.matcher(bare).replaceAll(" ");
      bare = RANGE.matcher(bare).replaceAll(" ");
      bare = LABEL_LIST.matcher(bare).replaceAll(" ");
      bare = VARIABLE.matcher(bare).replaceAll(" ");
      Matcher token = TOKEN.matcher(bare);
      while (token.find()) {
        String identifier = token.group(1);
        if (identifier != null && token.group(2) == null && !KEYWORDS.contains(identifier.toLowerCase())) {
          names.add(identifier);
        }
      }
    }
    return names;
  }

  /** Metric family → type, from the {@code # TYPE} lines of a scrape. */
  static Map<String, String> families(String scrape) {
    Map<String, String> families = new HashMap<>();
    Matcher type = TYPE_LINE.matcher(scrape);
    while (type.find()) {
      families.put(type.group(1), type.group(2));
    }
    return families;
  }

  /**
   * The names no series of the scrape carries: a counter or gauge by its family name, a histogram's
   * {@code _bucket}, {@code _sum} and {@code _count}, a summary's {@code _sum} and {@code _count}.
   */
  static Set<String> notExported(Set<String> names, Map<String, String> families) {
    Set<String> missing = new TreeSet<>();
    for (String name : names) {
      if (!exported(name, families)) {
        missing.add(name);
      }
    }
    return missing;
  }

  private static boolean exported(String name, Map<String, String> families) {
    String type = families.get(name);
    if (type != null) {
      return !type.equals("histogram") && !type.equals("summary");
    }
    if (name.endsWith("_bucket")) {
      return "histogram".equals(families.get(name.substring(0, name.length() - "_bucket".length())));
    }
    for (String suffix : List.of("_sum", "_count")) {
      if (name.endsWith(suffix)) {
        String base = families.get(name.substring(0, name.length() - suffix.length()));
        return "histogram".equals(base) || "summary".equals(base);
      }
    }
    return false;
  }
}
