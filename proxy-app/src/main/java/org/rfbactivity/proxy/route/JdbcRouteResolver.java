package org.rfbactivity.proxy.route;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Locale;
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
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String label = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
        host |= label.equals("host");
        port |= label.equals("port");
        session |= label.equals("session_id");
      }
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
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw RouteRefusedException.refused(byToken ? "unknown token" : "unknown session id");
        }
        host = rs.getString("host");
        port = rs.getInt("port");
        sessionId = hasSessionColumn ? rs.getString("session_id") : null;
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
    return new Route(sessionId, target, kind);
  }

  @Override
  public boolean blocking() {
    return true;
  }
}
