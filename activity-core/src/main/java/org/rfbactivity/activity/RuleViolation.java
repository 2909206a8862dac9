package org.rfbactivity.activity;

import java.time.Duration;

/**
 * Settings that break an {@link ActivityConfig.Rule}. The message names them as {@link ActivityConfig.Builder} does
 * ({@code persistInterval must be < activeWindow: PT1M >= PT1M}); the accessors let an embedder that gives the
 * settings names of its own report the violation in those names.
 */
public final class RuleViolation extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The rule broken. */
  private final ActivityConfig.Rule rule;
  /** The value of the rule's setting. */
  private final Duration value;
  /** The value of the setting it is bounded by. */
  private final Duration otherValue;

  RuleViolation(ActivityConfig.Rule rule, Duration value, Duration otherValue) {
    super(rule.setting().name() + " must be " + rule.relation().symbol() + " " + rule.other().name() + ": " + value
        + " " + rule.relation().negation() + " " + otherValue);
    this.rule = rule;
    this.value = value;
    this.otherValue = otherValue;
  }

  /** {@return the rule broken} */
  public ActivityConfig.Rule rule() {
    return rule;
  }

  /** {@return the value of {@link ActivityConfig.Rule#setting()}} */
  public Duration value() {
    return value;
  }

  /** {@return the value of {@link ActivityConfig.Rule#other()}} */
  public Duration otherValue() {
    return otherValue;
  }
}
