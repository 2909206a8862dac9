package org.rfbactivity.activity;

/** Stateless no-op metrics, an enum singleton (Caffeine CAF-4, HikariCP HIK-9). */
enum NoopActivityMetrics implements ActivityMetrics {
  INSTANCE
}
