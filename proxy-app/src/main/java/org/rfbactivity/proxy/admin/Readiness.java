package org.rfbactivity.proxy.admin;

import java.util.Map;

/** The answer of {@code /readyz}: ready or not, and each check's state (e.g. {@code store: unhealthy}). */
public record Readiness(boolean ready, Map<String, String> checks) {}
