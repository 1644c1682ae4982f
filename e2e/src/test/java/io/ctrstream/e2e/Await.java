package io.ctrstream.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling it, up to a deadline: the only way these tests wait. */
final class Await {
  private Await() {}

  static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not true after " + timeout + ": " + what, notYet);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true after " + timeout + ": " + what);
      }
      try {
        Thread.sleep(500); // polling interval, not synchronisation: the condition decides
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
