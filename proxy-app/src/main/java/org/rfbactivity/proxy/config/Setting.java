package org.rfbactivity.proxy.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.rfbactivity.activity.ActivitySetting;

/**
 * One setting of the proxy, given as a flag ({@code --active-window}), an environment variable ({@code RFBA_} and the
 * name in upper snake case) or a config-file key (the name): its help text, its default, how its text becomes a value
 * and the check that value passes. Every setting is listed in {@link ProxySettings}; the command line, {@code --help},
 * the environment and config-file lookup, {@link ProxyConfig}'s defaults and checks, and the README test read them
 * from there.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {

  static final String ENV_PREFIX = "RFBA_";

  private final String name;
  private final String paramLabel;
  private final String meaning;
  private final String defaultText;
  private final String describedDefault;
  private final Supplier<T> defaultValue;
  private final Function<String, T> parser;
  private final UnaryOperator<T> check;
  private final Function<T, String> display;
  private final boolean repeatable;
  private final boolean switchFlag;
  private final ActivitySetting<T> tracks;

  private Setting(Builder<T> b) {
    this.name = b.name;
    this.paramLabel = b.paramLabel;
    this.meaning = b.meaning;
    this.defaultText = b.defaultText;
    this.describedDefault = b.describedDefault;
    this.parser = b.parser;
    this.check = b.check;
    this.display = b.display;
    this.repeatable = b.repeatable;
    this.switchFlag = b.switchFlag;
    this.tracks = b.tracks;
    if (b.defaultText != null) {
      T parsed = parser.apply(b.defaultText);
      this.defaultValue = () -> parsed;
    } else {
      this.defaultValue = b.defaultValue;
    }
  }

  /**
   * @param name   the flag without its dashes, which is also the config-file key
   * @param parser turns the text given into a value, or into null when the text means "not set" ({@code none} for a
   *               listener); throws {@link IllegalArgumentException} saying what was expected, without repeating the
   *               text
   */
  static <T> Builder<T> named(String name, String paramLabel, String meaning, Function<String, T> parser) {
    return new Builder<>(name, paramLabel, meaning, parser);
  }

  /** The name: the flag without its dashes and the config-file key, e.g. {@code active-window}. */
  public String name() {
    return name;
  }

  public String flag() {
    return "--" + name;
  }

  public String envVar() {
    return envName(name);
  }

  /** {@code tcp-listen} → {@code RFBA_TCP_LISTEN}. */
  static String envName(String name) {
    return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** What the value looks like in {@code --help}, e.g. {@code HOST:PORT|none}. */
  public String paramLabel() {
    return paramLabel;
  }

  /** Given several times or as a comma-separated list. */
  public boolean repeatable() {
    return repeatable;
  }

  /** A flag that may be given alone ({@code --view-only}), meaning {@code true}. */
  public boolean switchFlag() {
    return switchFlag;
  }

  /** The activity-core setting this one is handed to, or null. */
  public ActivitySetting<T> tracks() {
    return tracks;
  }

  /** The default as it would be typed, which {@code --help} shows; null when the default is not one fixed text. */
  public String defaultText() {
    return defaultText;
  }

  /** The default as the README writes it: {@code `60s`}, a description, or {@code none}. */
  public String documentedDefault() {
    if (defaultText != null) {
      return "`" + defaultText + "`";
    }
    return describedDefault != null ? describedDefault : "none";
  }

  /** The value when the setting is not given; null when there is none or it depends on other settings. */
  public T defaultValue() {
    return defaultValue == null ? null : defaultValue.get();
  }

  /**
   * The help text, naming the environment variable, and the default when {@code --help} cannot show it as a fixed text
   * (a line of its own, without the README's code marks).
   */
  String helpDescription() {
    String help = meaning + " (" + envVar() + ").";
    return describedDefault == null ? help : help + "%nDefault: " + describedDefault.replace("`", "") + ".";
  }

  /**
   * Turns the text given for this setting into its value.
   *
   * @throws ConfigException naming the flag and the text when the text is not a value of this setting
   */
  T parse(String text) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(flag(), text, e.getMessage());
    }
  }

  /**
   * Checks a value however it was given (parsed from text, or set on {@link ProxyConfig.Builder}).
   *
   * @return the value to keep (normalised where the setting has a normal form)
   * @throws ConfigException naming the flag and the value when it is out of bounds
   */
  T check(T value) {
    try {
      return check.apply(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(flag(), display(value), e.getMessage());
    }
  }

  /** The value as messages show it: as it would be typed, with credentials masked. */
  String display(T value) {
    return value == null ? "null" : display.apply(value);
  }

  @Override
  public String toString() {
    return flag();
  }

  /** Collects a setting's parts; every part but the name, label, meaning and parser is optional. */
  static final class Builder<T> {
    private final String name;
    private final String paramLabel;
    private final String meaning;
    private final Function<String, T> parser;
    private String defaultText;
    private String describedDefault;
    private Supplier<T> defaultValue;
    private UnaryOperator<T> check = UnaryOperator.identity();
    private Function<T, String> display = String::valueOf;
    private boolean repeatable;
    private boolean switchFlag;
    private ActivitySetting<T> tracks;

    private Builder(String name, String paramLabel, String meaning, Function<String, T> parser) {
      this.name = Objects.requireNonNull(name, "name");
      this.paramLabel = Objects.requireNonNull(paramLabel, "paramLabel");
      this.meaning = Objects.requireNonNull(meaning, "meaning");
      this.parser = Objects.requireNonNull(parser, "parser");
    }

    /** A default written as it would be typed; its value is what the parser makes of it. */
    Builder<T> byDefault(String text) {
      this.defaultText = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * A default that is not one fixed text, described for {@code --help} and the README (code in backticks).
     *
     * @param value the default value, or null when other settings decide it (then {@link ProxyConfig.Builder} does)
     */
    Builder<T> describedDefault(String markdown, Supplier<T> value) {
      this.describedDefault = Objects.requireNonNull(markdown, "markdown");
      this.defaultValue = value;
      return this;
    }

    /** The check of a value; throws {@link IllegalArgumentException} saying what is wrong, without the value. */
    Builder<T> checkedBy(UnaryOperator<T> check) {
      this.check = Objects.requireNonNull(check, "check");
      return this;
    }

    Builder<T> shownAs(Function<T, String> display) {
      this.display = Objects.requireNonNull(display, "display");
      return this;
    }

    Builder<T> repeatable() {
      this.repeatable = true;
      return this;
    }

    Builder<T> switchFlag() {
      this.switchFlag = true;
      return this;
    }

    Builder<T> tracking(ActivitySetting<T> setting) {
      this.tracks = Objects.requireNonNull(setting, "setting");
      return this;
    }

    Setting<T> build() {
      if (defaultText != null && describedDefault != null) {
        throw new IllegalStateException(name + ": a default is either a text or described");
      }
      return new Setting<>(this);
    }
  }
}
