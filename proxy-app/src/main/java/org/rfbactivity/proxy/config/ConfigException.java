package org.rfbactivity.proxy.config;

/**
 * A setting that stops the proxy from starting. The message names the setting and its value, as in
 * {@code --active-window=abc: expected a duration such as 500ms, 10s, 2m, 1h or PT10S}, and never carries a
 * secret (secret settings are given by file path, and the path is what is shown).
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String setting, String value, String problem) {
    super(setting + (value == null ? "" : "=" + value) + ": " + problem);
  }

  public ConfigException(String setting, String value, String problem, Throwable cause) {
    super(setting + (value == null ? "" : "=" + value) + ": " + problem, cause);
  }
}
