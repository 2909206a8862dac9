package org.rfbactivity.activity;

import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One setting of {@link ActivityConfig.Builder}: the builder method's name, the default used when it is not set, how
 * that default is written in documentation, and the check every given value passes. All of them are listed in
 * {@link ActivitySettings}, so that an embedder exposing a setting under its own name (the proxy's flags) reads the
 * bound and the check from here instead of restating them.
 *
 * @param <T> the value's type
 */
public final class ActivitySetting<T> {

  private final String name;
  private final Supplier<T> defaultValue;
  private final String documentedDefault;
  private final UnaryOperator<T> check;

  /**
   * @param defaultValue      null when the default is behaviour rather than a value (a thread factory that names its
   *                          threads after the replica, no listener)
   * @param documentedDefault the default as the README writes it
   * @param check             returns the value to keep; throws {@link IllegalArgumentException} or
   *                          {@link NullPointerException} with a message that names this setting
   */
  ActivitySetting(String name, Supplier<T> defaultValue, String documentedDefault, UnaryOperator<T> check) {
    this.name = Objects.requireNonNull(name, "name");
    this.defaultValue = defaultValue;
    this.documentedDefault = Objects.requireNonNull(documentedDefault, "documentedDefault");
    this.check = Objects.requireNonNull(check, "check");
  }

  /** {@return the builder method's name, e.g. {@code activeWindow}} */
  public String name() {
    return name;
  }

  /** {@return the value used when the setting is not given, or null when the default is not a value} */
  public T defaultValue() {
    return defaultValue == null ? null : defaultValue.get();
  }

  /** {@return the default as documentation writes it, e.g. {@code 60 s} or {@code the host name}} */
  public String documentedDefault() {
    return documentedDefault;
  }

  /**
   * Checks a value given for this setting.
   *
   * @param value the value given
   * @return the value to keep (an immutable copy for collections)
   * @throws IllegalArgumentException when the value is out of bounds, with a message naming this setting
   * @throws NullPointerException     when the value is null, with this setting's name as the message
   */
  public T check(T value) {
    return check.apply(value);
  }

  T orDefault(T value) {
    return value != null ? value : defaultValue();
  }

  @Override
  public String toString() {
    return name;
  }
}
