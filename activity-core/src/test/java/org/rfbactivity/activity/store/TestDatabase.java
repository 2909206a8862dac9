package org.rfbactivity.activity.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * One test class's schema on the test server, with helpers that read rows as plain values: {@code timestamptz} as
 * {@link java.time.Instant}, {@code timestamp} as {@link LocalDateTime}.
 *
 * @param jdbcUrl    the server's URL (no schema)
 * @param schema     this class's schema; the data source's connections use it
 * @param dataSource a pooled data source for the schema
 */
public record TestDatabase(String jdbcUrl, String schema, DataSource dataSource) {

  /** Runs statements without results. */
  public void execute(String... statements) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** Every row of a query, each as a list of column values. */
  public List<List<Object>> rows(String sql, Object... params) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            row.add(value(rs, i, meta.getColumnTypeName(i)));
          }
          rows.add(row);
        }
      }
      return rows;
    }
  }

  /** The single value of a one-row, one-column query. */
  public Object value(String sql, Object... params) throws SQLException {
    List<List<Object>> rows = rows(sql, params);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new AssertionError("expected one value from " + sql + ", got " + rows);
    }
    return rows.get(0).get(0);
  }

  /** A row as a list, for comparisons; nulls allowed. */
  public static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  private static Object value(ResultSet rs, int i, String type) throws SQLException {
    switch (type) {
      case "timestamptz": {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
      }
      case "timestamp":
        return rs.getObject(i, LocalDateTime.class);
      default:
        return rs.getObject(i);
    }
  }
}
