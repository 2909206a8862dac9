package org.rfbactivity.activity;

/**
 * How a viewer whose stream cannot be inspected (a "blind" viewer: TLS, SASL, an unknown message type, see
 * docs/architecture.md#the-inspectors-contract) counts toward its session's state. Snapshots always report such a viewer as not inspectable, whatever
 * the policy, so operators can see and fix it.
 */
public enum BlindPolicy {
  /**
   * The default: what a blind viewer sends ({@link InputKind#BLIND_TRAFFIC}, reported for each read of its
   * client-to-server bytes) counts as activity, so its session stays ACTIVE while such bytes arrive at least once per
   * active window, and turns idle one window after they stop. Nobody who may be working is hibernated, while a blind
   * connection that has gone silent (a vanished laptop, a client that never finishes its handshake) is not active.
   * The price: a blind viewer whose software sends on its own (update requests while the screen changes) keeps its
   * session active.
   */
  ACTIVE_WHILE_SENDING,
  /**
   * A blind viewer counts as connected but contributes only the activity seen before it went blind (its open and
   * any inspected input). An idle window starts from there.
   */
  IDLE_WHILE_CONNECTED
}
