package org.rfbactivity.activity;

/** Stateless no-op metrics, an enum singleton (docs/style.md#no-op-objects-when-a-feature-is-off). */
enum NoopActivityMetrics implements ActivityMetrics {
  INSTANCE
}
