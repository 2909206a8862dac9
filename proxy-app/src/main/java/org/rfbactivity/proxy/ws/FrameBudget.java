package org.rfbactivity.proxy.ws;

/**
 * How many WebSocket frames one viewer may send: a token bucket of {@link #BURST} frames refilled at
 * {@link #FRAMES_PER_SECOND}. A browser viewer sends a frame per flush of its input (noVNC: each key, at most about 60
 * pointer moves a second, each update request), far below this; a client that sends more is flooding the proxy with
 * tiny or empty frames, each of which costs a decode, and is closed ({@code frame_flood}). Every frame counts: data,
 * continuation and control frames alike. One per connection, used on its event loop only.
 *
 * <p>{@link #unlimited()} is the budget of a proxy configured without one ({@code ProxyConfig#frameBudget}): the
 * relay benchmark's request-response loop, which asks for updates as fast as its server answers.
 */
interface FrameBudget {

  int FRAMES_PER_SECOND = 5_000;
  int BURST = 10_000;

  /** Takes one frame's token at {@code nowNanos}; false when the budget is spent. */
  boolean take(long nowNanos);

  /** A fresh budget for one viewer. */
  static FrameBudget perViewer() {
    return new TokenBucket();
  }

  /** Never runs out. */
  static FrameBudget unlimited() {
    return Unlimited.INSTANCE;
  }

  /** Stateless (docs/style.md#no-op-objects-when-a-feature-is-off), so one instance serves every viewer. */
  enum Unlimited implements FrameBudget {
    INSTANCE;

    @Override
    public boolean take(long nowNanos) {
      return true;
    }
  }

  /** The budget proper. */
  final class TokenBucket implements FrameBudget {

    private double tokens = BURST;
    private long refilledNanos;
    private boolean started;

    @Override
    public boolean take(long nowNanos) {
      if (!started) {
        started = true;
        refilledNanos = nowNanos;
      } else if (tokens < BURST) {
        long elapsed = nowNanos - refilledNanos;
        if (elapsed > 0) {
          tokens = Math.min(BURST, tokens + elapsed * (FRAMES_PER_SECOND / 1e9));
        }
        refilledNanos = nowNanos;
      } else {
        refilledNanos = nowNanos;
      }
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }
}
