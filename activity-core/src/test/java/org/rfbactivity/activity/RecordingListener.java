package org.rfbactivity.activity;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects transitions. */
final class RecordingListener implements ActivityListener {

  private final List<ActivityTransition> transitions = new CopyOnWriteArrayList<>();

  @Override
  public void onTransition(ActivityTransition transition) {
    transitions.add(transition);
  }

  List<ActivityTransition> transitions() {
    return List.copyOf(transitions);
  }

  List<ActivityTransition> takeAll() {
    List<ActivityTransition> all = new ArrayList<>(transitions);
    transitions.clear();
    return all;
  }
}
