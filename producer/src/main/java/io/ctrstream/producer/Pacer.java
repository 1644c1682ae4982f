package io.ctrstream.producer;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds a sender back to a pace: either event time compressed {@code speedup} times, or a fixed
 * number of events per second, or not at all.
 */
final class Pacer {
  private final double speedup;
  private final double rate;
  private final long startNanos = System.nanoTime();
  private long firstEventMillis = Long.MIN_VALUE;
  private long count;

  /**
   * @param speedup event time compressed this many times, 0 for none; @param rate events/s, 0 for
   *     none
   */
  Pacer(double speedup, double rate) {
    this.speedup = speedup;
    this.rate = rate;
  }

  /** Blocks until the next event, at event time {@code eventMillis}, is due. */
  void await(long eventMillis) {
    long dueNanos;
    if (speedup > 0) {
      if (firstEventMillis == Long.MIN_VALUE) {
        firstEventMillis = eventMillis;
      }
      dueNanos = startNanos + (long) ((eventMillis - firstEventMillis) * 1e6 / speedup);
    } else if (rate > 0) {
      dueNanos = startNanos + (long) (count * 1e9 / rate);
    } else {
      return;
    }
    count++;
    long wait;
    while ((wait = dueNanos - System.nanoTime()) > 200_000
        && !Thread.currentThread().isInterrupted()) {
      LockSupport.parkNanos(wait);
    }
  }
}
