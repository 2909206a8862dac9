package org.rfbactivity.proxy.control;

/**
 * Wakes the threads waiting for acknowledgements whenever the control listener hears one (of any command): they then
 * read the acknowledgements of their own command. Disconnects are rare, so one counter for all is enough.
 */
final class AckSignal {

  private long heard;

  synchronized long heard() {
    return heard;
  }

  synchronized void signal() {
    heard++;
    notifyAll();
  }

  /** Waits until an acknowledgement is heard after {@code seen} was read, or {@code nanos} pass. */
  synchronized void awaitAfter(long seen, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    long left = nanos;
    while (heard == seen && left > 0) {
      wait(Math.max(1, left / 1_000_000));
      left = deadline - System.nanoTime();
    }
  }
}
