package org.rfbactivity.proxy.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies a value for every flag not given on the command line: first the environment variable
 * ({@code --tcp-listen} → {@code RFBA_TCP_LISTEN}, {@link Setting#envVar()}), then the config file (Java properties,
 * key = flag name without dashes: {@code tcp-listen = 127.0.0.1:5900}); picocli falls back to the built-in default
 * after that.
 */
final class SettingsDefaults implements IDefaultValueProvider {

  private final Map<String, String> env;
  private final Properties file;

  private SettingsDefaults(Map<String, String> env, Properties file) {
    this.env = env;
    this.file = file;
  }

  /**
   * @param configFile the {@code --config} file, or null for none
   * @throws ConfigException when the file is unreadable or names a setting that does not exist
   */
  static SettingsDefaults load(Map<String, String> env, Path configFile) {
    Properties properties = new Properties();
    if (configFile != null) {
      try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        properties.load(reader);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigException(ProxySettings.CONFIG.flag(), configFile.toString(), "cannot read: " + describe(e));
      }
      Set<String> known = new TreeSet<>();
      for (Setting<?> setting : ProxySettings.ALL) {
        known.add(setting.name());
      }
      // A file cannot name another file.
      known.remove(ProxySettings.CONFIG.name());
      for (String name : properties.stringPropertyNames()) {
        if (!known.contains(name)) {
          throw new ConfigException(ProxySettings.CONFIG.flag(), configFile.toString(), "unknown setting '" + name
              + "' (keys are flag names without the dashes, e.g. " + ProxySettings.TCP_LISTEN.name() + ")");
        }
      }
    }
    return new SettingsDefaults(env, properties);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    String key = key(option);
    String fromEnv = env.get(Setting.envName(key));
    if (fromEnv != null) {
      return fromEnv;
    }
    String fromFile = file.getProperty(key);
    return fromFile == null ? null : fromFile.trim();
  }

  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  private static String describe(Exception e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }
}
