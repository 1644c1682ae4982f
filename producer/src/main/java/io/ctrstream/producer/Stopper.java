package io.ctrstream.producer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT/SIGTERM) asks the send loop to stop; the JVM then waits until the loop has flushed
 * and printed its final count.
 */
final class Stopper {
  private volatile boolean stopped;
  private final CountDownLatch done = new CountDownLatch(1);

  static Stopper onCtrlC() {
    Stopper s = new Stopper();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  s.stopped = true;
                  try {
                    s.done.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "stop-on-ctrl-c"));
    return s;
  }

  boolean stopped() {
    return stopped;
  }

  /** The loop has finished: shutdown may proceed. */
  void done() {
    done.countDown();
  }
}
