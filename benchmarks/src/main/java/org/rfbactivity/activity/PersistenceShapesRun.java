package org.rfbactivity.activity;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rfbactivity.activity.store.JdbcActivityStore;
import org.rfbactivity.activity.store.Migrations;
import org.rfbactivity.activity.store.SessionActivityRow;
import org.rfbactivity.activity.store.StoreBatch;

/**
 * Two design choices of the JDBC store, each measured against its alternative in the same run, interleaved round by
 * round (the first two rounds are warm-up), on an embedded PostgreSQL with {@code synchronous_commit=on}:
 * <ol>
 *   <li>10,000 {@code last_activity} raises as a JDBC batch of single-row upserts versus {@code unnest} arrays of
 *       1,000 rows per statement (what the store does);</li>
 *   <li>a full tracker flush of 10,000 sessions (10,000 session and 10,000 viewer rows) into the shipped schema
 *       ({@code rfb_viewer} without an index on {@code expires_at}, fillfactor 50, so heartbeats can be HOT updates)
 *       versus the same schema with an {@code expires_at} index and the default fillfactor.</li>
 * </ol>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.rfbactivity.activity.PersistenceShapesRun [--rounds 12]
 * </pre>
 */
public final class PersistenceShapesRun {

  private static final int ROWS = 10_000;

  private PersistenceShapesRun() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length == 2 && args[0].equals("--rounds") ? Integer.parseInt(args[1]) : 12;
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start()) {
      String url = pg.getJdbcUrl("postgres", "postgres");
      try (HikariDataSource batch = schema(pg, url, "shape_batch", Migrations.script());
          HikariDataSource array = schema(pg, url, "shape_array", Migrations.script());
          HikariDataSource shipped = schema(pg, url, "shape_shipped", Migrations.script());
          HikariDataSource indexed = schema(pg, url, "shape_indexed", Migrations.script()
              .replace(") WITH (fillfactor = 50);", ");")
              + "\nCREATE INDEX rfb_viewer_expires_at_idx ON rfb_viewer (expires_at);")) {
        List<Long> batchTimes = new ArrayList<>();
        List<Long> arrayTimes = new ArrayList<>();
        JdbcActivityStore arrayStore = JdbcActivityStore.builder().dataSource(array).build();
        Instant base = Instant.now();
        for (int round = 0; round < rounds; round++) {
          Instant at = base.plusSeconds(round);
          boolean batchFirst = round % 2 == 0;
          for (int k = 0; k < 2; k++) {
            long start = System.nanoTime();
            if (batchFirst == (k == 0)) {
              singleRowBatch(batch, at);
              batchTimes.add(System.nanoTime() - start);
            } else {
              List<SessionActivityRow> rows = new ArrayList<>(ROWS);
              for (int i = 0; i < ROWS; i++) {
                rows.add(new SessionActivityRow("s" + i, at));
              }
              arrayStore.write(new StoreBatch(rows, List.of(), List.of(), false));
              arrayTimes.add(System.nanoTime() - start);
            }
          }
        }
        report("10,000 last_activity raises", "JDBC batch of single-row upserts", batchTimes,
            "unnest arrays, 1,000 rows per statement", arrayTimes);

        SimulatedTime time = new SimulatedTime();
        ActivityTracker shippedTracker = tracker(shipped, time);
        ActivityTracker indexedTracker = tracker(indexed, time);
        Viewer[] shippedViewers = open(shippedTracker);
        Viewer[] indexedViewers = open(indexedTracker);
        List<Long> shippedTimes = new ArrayList<>();
        List<Long> indexedTimes = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          time.set(Duration.ofSeconds(30L * round).toNanos() + 1);
          for (int i = 0; i < ROWS; i++) {
            shippedTracker.input(shippedViewers[i], InputKind.KEY_PRESS);
            indexedTracker.input(indexedViewers[i], InputKind.KEY_PRESS);
          }
          time.set(Duration.ofSeconds(30L * round + 1).toNanos());
          boolean shippedFirst = round % 2 == 0;
          for (int k = 0; k < 2; k++) {
            boolean runShipped = shippedFirst == (k == 0);
            long start = System.nanoTime();
            (runShipped ? shippedTracker : indexedTracker).tick();
            (runShipped ? shippedTimes : indexedTimes).add(System.nanoTime() - start);
          }
        }
        report("tracker flush of 10,000 sessions (20,000 rows)", "expires_at index, fillfactor 100",
            indexedTimes, "shipped: no index, fillfactor 50", shippedTimes);
      }
    }
  }

  private static HikariDataSource schema(EmbeddedPostgres pg, String url, String schema, String script)
      throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName(schema);
    config.setJdbcUrl(url);
    config.addDataSourceProperty("currentSchema", schema);
    config.setMaximumPoolSize(1);
    HikariDataSource ds = new HikariDataSource(config);
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(script);
    }
    return ds;
  }

  private static void singleRowBatch(HikariDataSource ds, Instant at) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(FlushLoadRun.BASELINE_UPSERT)) {
        OffsetDateTime t = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        for (int i = 0; i < ROWS; i++) {
          ps.setString(1, "s" + i);
          ps.setObject(2, t);
          ps.addBatch();
          if (i % 1_000 == 999) {
            ps.executeBatch();
          }
        }
      }
      c.commit();
    }
  }

  private static ActivityTracker tracker(HikariDataSource ds, SimulatedTime time) {
    return new ActivityTracker(ActivityConfig.builder().replicaId("shapes").ticker(time.ticker())
        .clock(time.clock()).store(JdbcActivityStore.builder().dataSource(ds).build()).build());
  }

  private static Viewer[] open(ActivityTracker tracker) {
    Viewer[] viewers = new Viewer[ROWS];
    for (int i = 0; i < ROWS; i++) {
      viewers[i] = tracker.viewerOpened("s" + i, "v", Map.of(), true);
    }
    return viewers;
  }

  private static void report(String what, String aName, List<Long> a, String bName, List<Long> b) {
    double ma = median(a) / 1e6;
    double mb = median(b) / 1e6;
    System.out.printf("%s (median of %d rounds after 2 warm-up):%n  %-45s %8.1f ms%n  %-45s %8.1f ms%n"
        + "  ratio %.2fx%n", what, a.size() - 2, aName, ma, bName, mb, ma / mb);
  }

  /** The median after the 2 warm-up rounds. */
  private static long median(List<Long> values) {
    return FlushLoadRun.median(values.subList(2, values.size()));
  }
}
