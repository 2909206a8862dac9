package org.rfbactivity.activity.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.rfbactivity.activity.event.ActivityEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL store: writes each {@link StoreBatch} in one transaction to the tables created by
 * {@link Migrations}, with {@code last_activity = GREATEST(stored, new)}, plus the optional mirror statement.
 *
 * <p>Built by {@link #builder()} either around a {@link DataSource} the caller owns, or from a JDBC URL and
 * credentials, in which case the store creates and owns a small HikariCP pool (and its housekeeping thread) and
 * {@link #close()} closes it. Credentials are never logged, and {@link #toString()} shows only the pool name.
 *
 * <p>Failures: a batch refused for one row's content (SQLSTATE class 22 or 23) is written again under savepoints,
 * halving the failing part until the bad rows are isolated; those are dropped and reported (metadata only: table,
 * session id, SQLSTATE), the rest commits. Any other failure commits nothing and throws {@link StoreException}.
 *
 * <p>Thread-safe; the tracker calls it from one thread.
 */
public final class JdbcActivityStore implements ActivityStore {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcActivityStore.class);

  /** Default pool name; also the PostgreSQL {@code application_name}. */
  public static final String DEFAULT_POOL_NAME = "rfb-activity";
  /** Default pool size: the flusher's connection, plus one for migrations or the embedder's own queries. */
  public static final int DEFAULT_MAXIMUM_POOL_SIZE = 2;
  /**
   * How long the owned pool waits for a connection. Short, because the flusher that waits also evaluates
   * transitions: a database outage must cost it seconds, not HikariCP's default 30 s, per attempt.
   */
  static final long CONNECTION_TIMEOUT_MS = 2_000;
  /** pgjdbc {@code connectTimeout} (seconds) for the owned pool, unless the URL sets one. */
  static final String CONNECT_TIMEOUT_SECONDS = "2";
  /** pgjdbc {@code socketTimeout} (seconds) for the owned pool, unless the URL sets one: a hung server. */
  static final String SOCKET_TIMEOUT_SECONDS = "30";

  private final DataSource dataSource;
  private final HikariDataSource ownedPool;
  private final BatchStatements statements;
  private final Settlement settlement;
  private final String name;

  private JdbcActivityStore(DataSource dataSource, HikariDataSource ownedPool, MirrorStatement mirror,
      String notifyChannel, String name) {
    this.dataSource = dataSource;
    this.ownedPool = ownedPool;
    this.statements = new BatchStatements(mirror);
    this.settlement = new Settlement(notifyChannel);
    this.name = name;
  }

  /** The default {@code NOTIFY} channel (docs/architecture.md#events). */
  public static final String DEFAULT_NOTIFY_CHANNEL = Settlement.DEFAULT_CHANNEL;

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the data source this store writes to: the caller's, or the pool it created} */
  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public WriteResult write(StoreBatch batch) throws StoreException {
    if (batch.isEmpty()) {
      return WriteResult.accepted(batch);
    }
    List<BatchStatements.Op> ops = statements.ops(batch);
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        return writeInTransaction(c, ops, batch);
      } finally {
        restoreAutoCommit(c, autoCommit);
      }
    } catch (SQLException e) {
      SqlStates.Decision decision = SqlStates.classify(e);
      String state = SqlStates.sqlState(e);
      throw new StoreException(name + " - write of " + ops.size() + " rows failed: SQLSTATE " + state
          + " (" + e.getClass().getSimpleName() + ")", decision == SqlStates.Decision.RETRY, state, e);
    }
  }

  private WriteResult writeInTransaction(Connection c, List<BatchStatements.Op> ops, StoreBatch batch)
      throws SQLException {
    try {
      begin(c);
      statements.execute(c, ops);
      List<ActivityEvent> events = settlement.run(c, batch, name, Set.of());
      Map<String, Instant> others = OthersInput.read(c, batch.othersInputFor(), batch.writer());
      c.commit();
      return result(ops, List.of(), events, others);
    } catch (SQLException e) {
      rollbackQuietly(c);
      if (SqlStates.classify(e) != SqlStates.Decision.ISOLATE_ROW) {
        throw e;
      }
    }
    begin(c);
    List<BatchStatements.Op> rejectedOps = new ArrayList<>();
    List<RejectedRow> rejected = new ArrayList<>();
    // The whole batch just failed on a row's content: start from its halves rather than run it all again.
    if (ops.size() == 1) {
      isolate(c, ops, rejectedOps, rejected);
    } else {
      bisect(c, ops, rejectedOps, rejected);
    }
    Set<String> refused = new HashSet<>();
    for (BatchStatements.Op op : rejectedOps) {
      refused.add(op.sessionId());
    }
    List<ActivityEvent> events = settlement.run(c, batch, name, refused);
    Set<String> asked = new HashSet<>(batch.othersInputFor());
    asked.removeAll(refused); // an id the database refused would fail the query too
    Map<String, Instant> others = OthersInput.read(c, asked, batch.writer());
    c.commit();
    List<BatchStatements.Op> writtenOps = new ArrayList<>(ops);
    writtenOps.removeAll(rejectedOps);
    return result(writtenOps, rejected, events, others);
  }

  private void begin(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(Settlement.LOCK);
    }
    if (statements.hasMirror()) {
      try (Statement s = c.createStatement()) {
        // The mirror may target a timestamp WITHOUT time zone column: make the implicit conversion UTC.
        s.execute("SET LOCAL TIME ZONE 'UTC'");
      }
    }
  }

  /** Bisects under savepoints until every row refused for its content is found; depth is log2(rows). */
  private void isolate(Connection c, List<BatchStatements.Op> ops, List<BatchStatements.Op> rejectedOps,
      List<RejectedRow> rejected) throws SQLException {
    Savepoint savepoint = c.setSavepoint();
    try {
      statements.execute(c, ops);
      c.releaseSavepoint(savepoint);
    } catch (SQLException e) {
      c.rollback(savepoint);
      if (SqlStates.classify(e) != SqlStates.Decision.ISOLATE_ROW) {
        throw e;
      }
      if (ops.size() == 1) {
        BatchStatements.Op op = ops.get(0);
        RejectedRow row = new RejectedRow(op.kind().table, op.sessionId(), SqlStates.sqlState(e));
        // Metadata only: the message of a class 22/23 error can quote the offending values.
        LOG.warn("{} - dropped a {} row of session {}: SQLSTATE {}", name, row.table(),
            LogSafe.id(row.sessionId()), row.sqlState());
        rejectedOps.add(op);
        rejected.add(row);
        return;
      }
      bisect(c, ops, rejectedOps, rejected);
    }
  }

  private void bisect(Connection c, List<BatchStatements.Op> ops, List<BatchStatements.Op> rejectedOps,
      List<RejectedRow> rejected) throws SQLException {
    int half = ops.size() / 2;
    isolate(c, ops.subList(0, half), rejectedOps, rejected);
    isolate(c, ops.subList(half, ops.size()), rejectedOps, rejected);
  }

  private static WriteResult result(List<BatchStatements.Op> written, List<RejectedRow> rejected,
      List<ActivityEvent> events, Map<String, Instant> othersInput) {
    int sessions = 0;
    int viewers = 0;
    for (BatchStatements.Op op : written) {
      switch (op.kind()) {
        case SESSION_RAISE -> sessions++;
        case VIEWER_UPSERT, VIEWER_DELETE -> viewers++;
        default -> {
        }
      }
    }
    return new WriteResult(sessions, viewers, rejected, events, othersInput);
  }

  private void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // The connection is broken; HikariCP evicts it. The original failure is what gets reported.
      LOG.debug("{} - rollback failed: SQLSTATE {}", name, e.getSQLState());
    }
  }

  private void restoreAutoCommit(Connection c, boolean autoCommit) {
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      LOG.debug("{} - restoring autoCommit failed: SQLSTATE {}", name, e.getSQLState());
    }
  }

  /** Closes the pool if this store created it; a caller's data source is left alone. */
  @Override
  public void close() {
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  @Override
  public String toString() {
    return "JdbcActivityStore[" + name + (ownedPool != null ? ", owned pool" : ", caller's data source")
        + (statements.hasMirror() ? ", mirror" : "")
        + (settlement.channel() == null ? ", no NOTIFY" : ", NOTIFY " + settlement.channel()) + "]";
  }

  /**
   * Builds a {@link JdbcActivityStore}. Give either {@link #dataSource} or {@link #jdbcUrl} (with optional
   * credentials, pool name and size). Every setting may be set once; {@link #build()} validates them together.
   */
  public static final class Builder {

    private DataSource dataSource;
    private String jdbcUrl;
    private String username;
    private String password;
    private String poolName;
    private int maximumPoolSize;
    private String mirrorSql;
    private String notifyChannel = Settlement.DEFAULT_CHANNEL;
    private boolean notifyChannelSet;

    private Builder() {
    }

    /**
     * Write through this data source; the caller owns (and closes) it. Excludes {@link #jdbcUrl}.
     *
     * @param dataSource the data source
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      requireState(this.dataSource == null, "dataSource was already set to " + this.dataSource);
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Create and own a HikariCP pool for this {@code jdbc:postgresql:} URL. Excludes {@link #dataSource}. The
     * URL may carry pgjdbc properties ({@code connectTimeout}, {@code socketTimeout}, {@code ssl}, ...).
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL
     * @return this builder
     */
    public Builder jdbcUrl(String jdbcUrl) {
      requireState(this.jdbcUrl == null, "jdbcUrl was already set");
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      requireArgument(jdbcUrl.startsWith("jdbc:postgresql:"),
          "jdbcUrl must start with jdbc:postgresql: (the store writes PostgreSQL SQL)");
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    /**
     * User name for the owned pool.
     *
     * @param username the username
     * @return this builder
     */
    public Builder username(String username) {
      requireState(this.username == null, "username was already set to " + this.username);
      this.username = Objects.requireNonNull(username, "username");
      return this;
    }

    /**
     * Password for the owned pool; never logged or shown.
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(String password) {
      requireState(this.password == null, "password was already set");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Name of the owned pool, its threads and log lines; default {@value #DEFAULT_POOL_NAME}.
     *
     * @param poolName the pool name
     * @return this builder
     */
    public Builder poolName(String poolName) {
      requireState(this.poolName == null, "poolName was already set to " + this.poolName);
      Objects.requireNonNull(poolName, "poolName");
      requireArgument(!poolName.isBlank(), "poolName must not be blank");
      this.poolName = poolName;
      return this;
    }

    /**
     * Connections in the owned pool; default {@value #DEFAULT_MAXIMUM_POOL_SIZE}, at least 1.
     *
     * @param maximumPoolSize the maximum pool size
     * @return this builder
     */
    public Builder maximumPoolSize(int maximumPoolSize) {
      requireState(this.maximumPoolSize == 0, "maximumPoolSize was already set to " + this.maximumPoolSize);
      requireArgument(maximumPoolSize >= 1, "maximumPoolSize must be >= 1: " + maximumPoolSize);
      this.maximumPoolSize = maximumPoolSize;
      return this;
    }

    /**
     * Also run this statement, in the same transaction, for every {@code last_activity} raise. Named parameters
     * {@code :session_id} (text) and {@code :last_activity} (a UTC {@code timestamptz}; assigned to a
     * {@code timestamp without time zone} column it arrives as UTC wall time) must both appear. Example for
     * StreamSpace: {@code UPDATE sessions SET last_activity = GREATEST(last_activity, :last_activity) WHERE
     * id = :session_id}.
     *
     * @throws IllegalArgumentException if the statement cannot be parsed, names another parameter or contains a
     *                                  JDBC {@code ?} or a positional {@code $1}
     * @param mirrorSql the mirror statement
     * @return this builder
     */
    public Builder mirrorSql(String mirrorSql) {
      requireState(this.mirrorSql == null, "mirrorSql was already set");
      MirrorStatement.parse(mirrorSql);
      this.mirrorSql = mirrorSql;
      return this;
    }

    /**
     * The channel every committed event is {@code NOTIFY}ed on, in the flush's transaction
     * (docs/architecture.md#events); default {@value Settlement#DEFAULT_CHANNEL}; {@code null} for none. Lower-case
     * letters, digits and underscores, not starting with a digit, at most 63 characters.
     *
     * @param channel the channel
     * @return this builder
     */
    public Builder notifyChannel(String channel) {
      requireState(!notifyChannelSet, "notifyChannel was already set");
      requireArgument(channel == null || Settlement.CHANNEL.matcher(channel).matches(),
          "notifyChannel must be lower-case letters, digits and underscores, not starting with a digit, at most "
              + "63 characters: " + channel);
      this.notifyChannel = channel;
      this.notifyChannelSet = true;
      return this;
    }

    /**
     * Validates and builds. With {@link #jdbcUrl}, creates the pool without connecting: a database that is down
     * at start is an outage the tracker rides out, not a configuration error. Run {@link Migrations#apply} to
     * fail fast on bad credentials.
     *
     * @return the store
     * @throws IllegalStateException if neither or both of dataSource and jdbcUrl were given, or pool settings
     *                               were given with a dataSource
     */
    public JdbcActivityStore build() {
      requireState(dataSource != null || jdbcUrl != null, "either dataSource or jdbcUrl is required");
      requireState(dataSource == null || jdbcUrl == null, "dataSource and jdbcUrl are mutually exclusive");
      MirrorStatement mirror = mirrorSql == null ? null : MirrorStatement.parse(mirrorSql);
      String name = poolName == null ? DEFAULT_POOL_NAME : poolName;
      if (dataSource != null) {
        requireState(username == null && password == null && poolName == null && maximumPoolSize == 0,
            "username, password, poolName and maximumPoolSize apply only to the pool built from jdbcUrl");
        return new JdbcActivityStore(dataSource, null, mirror, notifyChannel, name);
      }
      HikariConfig config = new HikariConfig();
      config.setPoolName(name);
      config.setJdbcUrl(jdbcUrl);
      if (username != null) {
        config.setUsername(username);
      }
      if (password != null) {
        config.setPassword(password);
      }
      config.setMaximumPoolSize(maximumPoolSize == 0 ? DEFAULT_MAXIMUM_POOL_SIZE : maximumPoolSize);
      config.setMinimumIdle(1);
      config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
      config.setInitializationFailTimeout(-1);
      // Defaults only: properties in the URL take precedence in pgjdbc.
      config.addDataSourceProperty("connectTimeout", CONNECT_TIMEOUT_SECONDS);
      config.addDataSourceProperty("socketTimeout", SOCKET_TIMEOUT_SECONDS);
      config.addDataSourceProperty("ApplicationName", name);
      // Server error details quote row values (e.g. "Key (session_id)=(...)"); keep them out of exceptions
      // that HikariCP or an embedder might log.
      config.addDataSourceProperty("logServerErrorDetail", "false");
      HikariDataSource pool = new HikariDataSource(config);
      return new JdbcActivityStore(pool, pool, mirror, notifyChannel, name);
    }

    private static void requireState(boolean ok, String message) {
      if (!ok) {
        throw new IllegalStateException(message);
      }
    }

    private static void requireArgument(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
