package org.rfbactivity.examples;

import java.util.Objects;
import java.util.function.Consumer;
import org.rfbactivity.activity.ActivityListener;
import org.rfbactivity.activity.ActivityTransition;

/**
 * An {@link ActivityListener} that prints each state change as one line: session, states, time and cause. It runs
 * on the tracker's flusher thread, never on a connection's.
 */
public final class PrintedTransitions implements ActivityListener {

  private final Consumer<String> out;

  /** Prints to {@code out}, for example {@code System.out::println}. */
  public PrintedTransitions(Consumer<String> out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public void onTransition(ActivityTransition t) {
    out.accept(line(t));
  }

  /** {@code desk-1 CONNECTED_IDLE -> ACTIVE at 2026-12-04T03:00:00Z (INPUT, viewer v1, KEY_PRESS)}. */
  public static String line(ActivityTransition t) {
    return t.sessionId() + " " + t.from() + " -> " + t.to() + " at " + t.at() + " (" + t.reason()
        + (t.causeViewerId() == null ? "" : ", viewer " + t.causeViewerId())
        + (t.causeInputKind() == null ? "" : ", " + t.causeInputKind()) + ")";
  }
}
