package org.rfbactivity.proxy.config;

import java.util.regex.Pattern;

/** Masks credentials that a JDBC URL may carry in its query ({@code ?password=…}) before it is logged. */
public final class JdbcUrls {

  private static final Pattern PASSWORD = Pattern.compile("(?i)(password|sslpassword)=[^&;]*");

  private JdbcUrls() {}

  public static String mask(String jdbcUrl) {
    return jdbcUrl == null ? null : PASSWORD.matcher(jdbcUrl).replaceAll("$1=<masked>");
  }
}
