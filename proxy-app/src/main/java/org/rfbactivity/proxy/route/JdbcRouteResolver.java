package org.rfbactivity.proxy.route;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.rfbactivity.proxy.config.ConfigException;
import org.rfbactivity.proxy.config.HostPort;
import org.rfbactivity.proxy.config.Routing;
import org.rfbactivity.proxy.config.SessionIds;

/**
 * Looks the route up in the host platform's database with {@code --route-query}: one {@code ?} parameter,
 * bound to the {@code ?token=} value or, when there is none, the {@code /vnc/{id}} path id; result columns
 * {@code host} and {@code port}, and optionally {@code session_id}. Without a {@code session_id} column the
 * session is the path id when the lookup was by path id, otherwise the target {@code host:port} (a token is
 * never used as a session id: it may be a secret). The first row wins.
 *
 * <p>Optional columns named as the {@link RoutePolicy#OPTIONS} ({@code idle_disconnect} …) set the route's policy; a
 * NULL sets nothing. A limit may be an integer number of seconds, an {@code interval} (PostgreSQL's default output,
 * {@code [N day[s] ]HH:MM:SS[.fff]}, or ISO-8601 under {@code IntervalStyle iso_8601}; months and years are refused,
 * having no fixed length) or text as a token-file option writes it ({@code 30m}); {@code view_only} a boolean (or
 * the text {@code true}/{@code false}); {@code input_permissions} a text as the flag takes it
 * ({@code keys,pointer-motion}, {@code none}) or a {@code text[]} of class names. A value that does not parse
 * refuses the viewer.
 *
 * <p>With {@code --route-recheck}, {@link #withdrawn} runs the query again for each live viewer's request, which its
 * route keeps ({@link RouteOrigin}).
 */
public final class JdbcRouteResolver implements RouteResolver {

  /** A route lookup slower than this is treated as the database being unavailable. */
  static final int QUERY_TIMEOUT_SECONDS = 5;
  /** Longest lookup key sent to the database. */
  static final int MAX_KEY_LENGTH = 4096;

  private final DataSource dataSource;
  private final String sql;
  private final String kind;
  private final boolean hasSessionColumn;
  /** The policy columns the query returns, by their lower-case labels. */
  private final List<String> policyColumns;

  /**
   * Prepares the query once to check it (one parameter; columns host and port).
   *
   * @throws ConfigException when the query does not fit or the database cannot be reached
   */
  public JdbcRouteResolver(Routing.RouteQuery routing, DataSource dataSource) {
    this.dataSource = dataSource;
    this.sql = routing.sql();
    this.kind = routing.kind();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int parameters = ps.getParameterMetaData().getParameterCount();
      if (parameters != 1) {
        throw new ConfigException("--route-query", sql, "expected exactly one ? parameter, found " + parameters);
      }
      ResultSetMetaData md = ps.getMetaData();
      if (md == null) {
        throw new ConfigException("--route-query", sql, "is not a query returning rows");
      }
      boolean host = false;
      boolean port = false;
      boolean session = false;
      List<String> policy = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String label = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
        host |= label.equals("host");
        port |= label.equals("port");
        session |= label.equals("session_id");
        if (RoutePolicy.OPTIONS.contains(label) && !policy.contains(label)) {
          policy.add(label);
        }
      }
      this.policyColumns = List.copyOf(policy);
      if (!host || !port) {
        throw new ConfigException("--route-query", sql, "must return columns named host and port");
      }
      this.hasSessionColumn = session;
    } catch (SQLException e) {
      throw new ConfigException("--route-query", sql, "cannot be prepared: SQLSTATE " + e.getSQLState()
          + " " + e.getMessage());
    }
  }

  @Override
  public Route resolve(RouteRequest request) throws RouteRefusedException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      return resolve(request, ps);
    } catch (SQLException e) {
      throw RouteRefusedException.unavailable("route query failed: SQLSTATE " + e.getSQLState());
    }
  }

  /**
   * Runs the query again for each live route's request, on one connection and one prepared statement, each distinct
   * request once (viewers of one token share its answer). A route is withdrawn when the query no longer gives it (no
   * row, or a row that refuses it) or gives another session or target; a changed policy withdraws nothing. The pass
   * is bounded by the live viewers (at most {@code --max-connections}) and each query by
   * {@link #QUERY_TIMEOUT_SECONDS}; the first database error ends it with nothing withdrawn.
   */
  @Override
  public BitSet withdrawn(List<Route> live) throws RouteRefusedException {
    BitSet gone = new BitSet(live.size());
    Map<RouteRequest, Route> answers = new HashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < live.size(); i++) {
        Route route = live.get(i);
        RouteRequest request = route.origin().recheck();
        if (request == null) {
          continue;
        }
        Route now;
        if (answers.containsKey(request)) {
          now = answers.get(request);
        } else {
          try {
            now = resolve(request, ps);
          } catch (RouteRefusedException e) {
            if (e.unavailable()) {
              throw e;
            }
            now = null;
          }
          answers.put(request, now);
        }
        if (now == null || !now.sessionId().equals(route.sessionId()) || !now.target().equals(route.target())) {
          gone.set(i);
        }
      }
    } catch (SQLException e) {
      throw RouteRefusedException.unavailable("route query failed: SQLSTATE " + e.getSQLState());
    }
    return gone;
  }

  private Route resolve(RouteRequest request, PreparedStatement ps) throws RouteRefusedException {
    boolean byToken = request.token() != null && !request.token().isEmpty();
    String key = byToken ? request.token() : request.pathId();
    if (key == null || key.isEmpty()) {
      throw RouteRefusedException.refused("missing token or session id");
    }
    if (key.length() > MAX_KEY_LENGTH) {
      throw RouteRefusedException.refused("token longer than " + MAX_KEY_LENGTH + " characters");
    }
    String host;
    int port;
    String sessionId;
    RoutePolicy policy;
    try {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw RouteRefusedException.refused(byToken ? "unknown token" : "unknown session id");
        }
        host = rs.getString("host");
        port = rs.getInt("port");
        sessionId = hasSessionColumn ? rs.getString("session_id") : null;
        policy = policy(rs);
      }
    } catch (SQLException e) {
      throw RouteRefusedException.unavailable("route query failed: SQLSTATE " + e.getSQLState());
    }
    HostPort target;
    try {
      if (host == null || port < 1) {
        throw new IllegalArgumentException("host is null or port < 1");
      }
      target = new HostPort(host.strip(), port);
    } catch (IllegalArgumentException e) {
      throw RouteRefusedException.refused("route query returned a bad target: " + e.getMessage());
    }
    if (sessionId == null) {
      sessionId = byToken ? target.toString() : request.pathId();
    }
    if (!SessionIds.isValid(sessionId)) {
      throw RouteRefusedException.refused("route query returned an invalid session id");
    }
    RouteResolver.requireMatchingPathId(request, sessionId);
    return new Route(sessionId, target, kind, policy, RouteOrigin.routeQuery(request));
  }

  private RoutePolicy policy(ResultSet rs) throws SQLException, RouteRefusedException {
    if (policyColumns.isEmpty()) {
      return RoutePolicy.NONE;
    }
    RoutePolicy.Builder b = new RoutePolicy.Builder();
    for (String column : policyColumns) {
      Object value = rs.getObject(column);
      if (value == null) {
        continue;
      }
      try {
        switch (column) {
          case RoutePolicy.VIEW_ONLY -> b.viewOnly(value instanceof Boolean v ? v
              : RoutePolicy.parseViewOnly(rs.getString(column)));
          case RoutePolicy.INPUT_PERMISSIONS -> b.inputPermissions(value instanceof Array array
              ? RoutePolicy.permissionsOf(labels(array)) : RoutePolicy.parsePermissions(rs.getString(column)));
          default -> b.set(column, value instanceof Number n ? wholeSeconds(n)
              : Intervals.parse(rs.getString(column)));
        }
      } catch (IllegalArgumentException e) {
        throw RouteRefusedException.refused("route query column " + column + ": " + e.getMessage());
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw RouteRefusedException.refused("route query columns: " + e.getMessage());
    }
  }

  /** An SQL array's elements ({@code text[]}); an element that is not text is refused by the caller's check. */
  private static List<Object> labels(Array array) throws SQLException {
    Object elements = array.getArray();
    if (!(elements instanceof Object[] items)) {
      throw new IllegalArgumentException("expected a text array of class names");
    }
    return Arrays.asList(items);
  }

  private static Duration wholeSeconds(Number n) {
    if (n instanceof BigDecimal d) {
      try {
        return RoutePolicy.seconds(d.longValueExact());
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("expected whole seconds");
      }
    }
    if (n instanceof Double || n instanceof Float) {
      throw new IllegalArgumentException("expected whole seconds, an interval or a duration text");
    }
    return RoutePolicy.seconds(n.longValue());
  }

  @Override
  public boolean blocking() {
    return true;
  }
}
