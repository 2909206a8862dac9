package org.rfbactivity.examples;

import java.util.ArrayList;
import java.util.List;
import org.rfbactivity.activity.ActivityListener;
import org.rfbactivity.activity.ActivityTransition;

/** Every transition the tracker delivered (on its flusher thread), readable from the test's. */
final class RecordedTransitions implements ActivityListener {

  private final List<ActivityTransition> transitions = new ArrayList<>();

  @Override
  public synchronized void onTransition(ActivityTransition transition) {
    transitions.add(transition);
  }

  synchronized List<ActivityTransition> all() {
    return List.copyOf(transitions);
  }

  /** The transitions as {@link PrintedTransitions} prints them. */
  synchronized List<String> lines() {
    return transitions.stream().map(PrintedTransitions::line).toList();
  }
}
