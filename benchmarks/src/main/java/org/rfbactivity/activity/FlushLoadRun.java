package org.rfbactivity.activity;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.Migrations;

/**
 * Load run for activity-core's persistence (docs/architecture.md#target-numbers, "database writes"): N sessions, one
 * viewer each, all active at R counted inputs per second, simulated for S seconds with one flush per simulated second
 * into PostgreSQL. Time is simulated (the flusher is driven tick by tick), the database writes are real and timed.
 * Beside it, on the same database, a write-per-input baseline: one upsert per input, autocommit, as a naive tracker
 * would do, with 1 and 4 connections, for a fixed wall time.
 *
 * <pre>
 * ./mvnw -B -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar org.rfbactivity.activity.FlushLoadRun \
 *     [--jdbc-url jdbc:postgresql://...] [--sessions 10000] [--rate 60] [--seconds 300] [--baseline-seconds 10] \
 *     [--synchronous-commit on]
 * </pre>
 *
 * Without {@code --jdbc-url} it starts an embedded PostgreSQL (zonky, binaries 17.x) with {@code synchronous_commit}
 * as given (default {@code on}, PostgreSQL's own default; zonky's default would be {@code off}).
 */
public final class FlushLoadRun {

  /** One autocommitted upsert per input: the write-per-input baseline (also PersistenceShapesRun's batch). */
  static final String BASELINE_UPSERT =
      "INSERT INTO rfb_session_activity AS s (session_id, last_activity) VALUES (?, ?) "
          + "ON CONFLICT (session_id) DO UPDATE SET last_activity = GREATEST(s.last_activity, "
          + "EXCLUDED.last_activity), updated_at = now() WHERE EXCLUDED.last_activity > s.last_activity";

  private FlushLoadRun() {
  }

  /** Rows the store reports. */
  private static final class RowCounter implements ActivityMetrics {
    long sessionRows;
    long viewerRows;

    @Override
    public void rowsWritten(long sessionRows, long viewerRows) {
      this.sessionRows += sessionRows;
      this.viewerRows += viewerRows;
    }

    long rows() {
      return sessionRows + viewerRows;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    int sessions = Integer.parseInt(options.getOrDefault("--sessions", "10000"));
    int rate = Integer.parseInt(options.getOrDefault("--rate", "60"));
    int seconds = Integer.parseInt(options.getOrDefault("--seconds", "300"));
    int baselineSeconds = Integer.parseInt(options.getOrDefault("--baseline-seconds", "10"));
    String synchronousCommit = options.getOrDefault("--synchronous-commit", "on");
    PrintStream out = System.out;

    EmbeddedPostgres embedded = null;
    String jdbcUrl = options.get("--jdbc-url");
    if (jdbcUrl == null) {
      embedded = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", synchronousCommit).start();
      jdbcUrl = embedded.getJdbcUrl("postgres", "postgres");
    }
    HikariConfig poolConfig = new HikariConfig();
    poolConfig.setPoolName("flush-load");
    poolConfig.setJdbcUrl(jdbcUrl);
    poolConfig.setMaximumPoolSize(4);
    try (HikariDataSource pool = new HikariDataSource(poolConfig)) {
      Migrations.apply(pool);
      out.printf("PostgreSQL: %s (%s), synchronous_commit=%s%n", value(pool, "SHOW server_version"),
          embedded == null ? "external" : "embedded zonky", value(pool, "SHOW synchronous_commit"));
      out.printf("Load: %,d sessions x 1 viewer, %d counted inputs/s each, %d simulated s, one flush per s%n%n",
          sessions, rate, seconds);
      truncate(pool);
      trackerRun(pool, sessions, rate, seconds, out);
      truncate(pool);
      out.println();
      out.printf("Write-per-input baseline (one autocommitted upsert per input), %d s wall time each:%n",
          baselineSeconds);
      long offered = (long) sessions * rate;
      for (int connections : new int[] {1, 4}) {
        double perSecond = baseline(pool, sessions, connections, baselineSeconds);
        out.printf("  %d connection(s): %,.0f rows/s; offered %,d inputs/s -> keeps up with %.2f%% "
            + "(%.0fx short)%n", connections, perSecond, offered, 100.0 * perSecond / offered,
            offered / perSecond);
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static void trackerRun(HikariDataSource pool, int sessions, int rate, int seconds, PrintStream out)
      throws SQLException {
    SimulatedTime time = new SimulatedTime();
    RowCounter rows = new RowCounter();
    ActivityTracker tracker = new ActivityTracker(ActivityConfig.builder().replicaId("flush-load")
        .ticker(time.ticker()).clock(time.clock()).metrics(rows)
        .store(JdbcActivityStore.builder().dataSource(pool).build()).build());
    Viewer[] viewers = new Viewer[sessions];
    for (int i = 0; i < sessions; i++) {
      viewers[i] = tracker.viewerOpened("load-" + i, "v", Map.of(), true);
    }
    long inputs = 0;
    long step = TimeUnit.SECONDS.toNanos(1) / rate;
    List<Long> writeTickNanos = new ArrayList<>();
    List<Long> writeTickRows = new ArrayList<>();
    List<Long> quietTickNanos = new ArrayList<>();
    long feedNanos = 0;
    for (int s = 0; s < seconds; s++) {
      long feedStart = System.nanoTime();
      for (int k = 0; k < rate; k++) {
        time.set(TimeUnit.SECONDS.toNanos(s) + k * step + 1);
        for (Viewer viewer : viewers) {
          tracker.input(viewer, InputKind.POINTER_MOVE);
        }
        inputs += sessions;
      }
      feedNanos += System.nanoTime() - feedStart;
      time.set(TimeUnit.SECONDS.toNanos(s + 1));
      long before = rows.rows();
      long start = System.nanoTime();
      tracker.tick();
      long duration = System.nanoTime() - start;
      long written = rows.rows() - before;
      if (written > 0) {
        writeTickNanos.add(duration);
        writeTickRows.add(written);
      } else {
        quietTickNanos.add(duration);
      }
    }
    tracker.close();
    if (!tracker.storeHealth().healthy()) {
      throw new IllegalStateException("store failed during the run: " + tracker.storeHealth());
    }
    long stored = (long) value(pool, "SELECT count(*) FROM rfb_session_activity");
    long medianWrite = median(writeTickNanos);
    long medianRows = median(writeTickRows);
    out.println("Tracker (throttled, batched, one transaction per tick):");
    out.printf("  inputs fed: %,d (%.1f ns per input() call, feeding thread)%n", inputs,
        (double) feedNanos / inputs);
    out.printf("  rows written: %,d (%,d last_activity + %,d viewer) = %.1f rows per simulated s; "
        + "%,d sessions stored%n", rows.rows(), rows.sessionRows, rows.viewerRows,
        (double) rows.rows() / seconds, stored);
    out.printf("  ticks that wrote: %d; median %,d rows in %.1f ms -> %,.0f rows/s into PostgreSQL "
        + "(max %.1f ms)%n", writeTickNanos.size(), medianRows, medianWrite / 1e6, medianRows / (medianWrite / 1e9),
        Collections.max(writeTickNanos) / 1e6);
    out.printf("  ticks with nothing due: %d; median %.2f ms (evaluating %,d sessions)%n", quietTickNanos.size(),
        median(quietTickNanos) / 1e6, sessions);
    out.printf("  write-per-input would write %,d rows: %.0fx the tracker's last_activity rows, %.0fx all its "
        + "rows%n", inputs, (double) inputs / rows.sessionRows, (double) inputs / rows.rows());
  }

  /** Autocommitted upserts, one per input, round-robin over the sessions, for {@code seconds} of wall time. */
  private static double baseline(HikariDataSource pool, int sessions, int connections, int seconds)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(connections);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Long>> counts = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int offset = c;
      counts.add(threads.submit(() -> {
        long n = 0;
        try (Connection conn = pool.getConnection(); PreparedStatement ps = conn.prepareStatement(BASELINE_UPSERT)) {
          conn.setAutoCommit(true);
          long start = System.nanoTime();
          while (System.nanoTime() < deadline) {
            ps.setString(1, "load-" + ((n * connections + offset) % sessions));
            ps.setObject(2, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
            n++;
          }
          return n * TimeUnit.SECONDS.toNanos(1) / Math.max(1, System.nanoTime() - start);
        }
      }));
    }
    long total = 0;
    for (Future<Long> count : counts) {
      total += count.get();
    }
    threads.shutdown();
    return total;
  }

  static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static Object value(HikariDataSource pool, String sql) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1);
    }
  }

  private static void truncate(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE rfb_session_activity, rfb_viewer");
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
      }
      options.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("missing value for " + args[args.length - 1]);
    }
    return options;
  }
}
