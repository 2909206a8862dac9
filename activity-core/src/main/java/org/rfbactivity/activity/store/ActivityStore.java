package org.rfbactivity.activity.store;

/**
 * Where the tracker persists activity: the SPI behind {@code ActivityConfig.Builder.store}. The shipped
 * implementation is {@link JdbcActivityStore}; {@link #none()} keeps everything in memory.
 *
 * <p>Threading: the tracker calls {@link #write} from one thread at a time (its flusher, or the thread closing it).
 * The tracker never closes a store it was given: close it after the tracker.
 */
public interface ActivityStore extends AutoCloseable {

  /**
   * Writes the whole batch in one transaction. Rows the database refuses for their content (SQLSTATE class 22 or
   * 23) are isolated, reported in the result and dropped; everything else commits.
   *
   * <p>Events: the result carries the events the write committed ({@link WriteResult#events()}); the tracker hands
   * exactly those to its event listeners. A write that throws committed none, and the tracker passes the same
   * events again with its next batch.
   *
   * @param batch what one tick writes
   * @return what was written, and the events committed
   * @throws StoreException if nothing was committed; the tracker will retry with the newest values
   */
  WriteResult write(StoreBatch batch) throws StoreException;

  /** Releases what the store owns (e.g. a connection pool it created). */
  @Override
  default void close() {
  }

  /** {@return a store that accepts everything and keeps nothing: the tracker's state lives in memory only} */
  static ActivityStore none() {
    return NoStore.INSTANCE;
  }
}
