package org.rfbactivity.activity.store;

/** The in-memory-only default: stateless, hence an enum singleton. */
enum NoStore implements ActivityStore {
  INSTANCE;

  @Override
  public WriteResult write(StoreBatch batch) {
    return WriteResult.accepted(batch);
  }

  @Override
  public String toString() {
    return "ActivityStore.none()";
  }
}
