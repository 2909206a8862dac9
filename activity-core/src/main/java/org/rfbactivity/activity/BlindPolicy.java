package org.rfbactivity.activity;

/**
 * How a viewer whose stream cannot be inspected (a "blind" viewer: TLS, SASL, an unknown message type, see
 * DESIGN.md §3) counts toward its session's state. Snapshots always report such a viewer as not inspectable, whatever
 * the policy, so operators can see and fix it.
 */
public enum BlindPolicy {
  /**
   * The default: a blind viewer counts as active for as long as it is connected, as if it produced input at every
   * evaluation (every flush tick). Nobody who may be working is hibernated; the price is that an idle blind viewer
   * keeps its session alive.
   */
  ACTIVE_WHILE_CONNECTED,
  /**
   * A blind viewer counts as connected but contributes only the activity seen before it went blind (its open and
   * any inspected input). An idle window starts from there.
   */
  IDLE_WHILE_CONNECTED
}
