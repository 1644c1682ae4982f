package io.ctrstream.producer;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints a progress line every few seconds: events sent and acknowledged, events/s since the last
 * line, errors, and where the stream is in event time.
 */
final class Progress implements AutoCloseable {
  private final String name;
  private final EventPublisher publisher;
  private final Supplier<String> position;
  private final PrintWriter out;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
          });
  private final long startNanos = System.nanoTime();
  private volatile long sent;
  private long lastAcked;
  private long lastNanos = startNanos;

  Progress(
      String name,
      EventPublisher publisher,
      Supplier<String> position,
      int seconds,
      PrintWriter out) {
    this.name = name;
    this.publisher = publisher;
    this.position = position;
    this.out = out;
    timer.scheduleAtFixedRate(this::print, seconds, seconds, TimeUnit.SECONDS);
  }

  /** Counts one record handed to the producer. */
  void sent() {
    sent++;
  }

  private synchronized void print() {
    long now = System.nanoTime();
    long acked = publisher.acked();
    double rate = (acked - lastAcked) / ((now - lastNanos) / 1e9);
    lastAcked = acked;
    lastNanos = now;
    out.printf(
        "%s: sent %d, acked %d (impressions %d, clicks %d), %.0f events/s, errors %d, %s%n",
        name,
        sent,
        acked,
        publisher.impressionsAcked(),
        publisher.clicksAcked(),
        rate,
        publisher.failed(),
        position.get());
    out.flush();
  }

  /** The final line: totals and the mean rate over the whole run. */
  synchronized void printFinal() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    out.printf(
        "%s: done: sent %d, acked %d (impressions %d, clicks %d), errors %d, %.1f s, %.0f events/s%n",
        name,
        sent,
        publisher.acked(),
        publisher.impressionsAcked(),
        publisher.clicksAcked(),
        publisher.failed(),
        seconds,
        publisher.acked() / Math.max(seconds, 1e-9));
    if (publisher.lastError() != null) {
      out.printf("%s: last send error: %s%n", name, publisher.lastError());
    }
    if (publisher.sentAsIs() > 0) {
      out.printf(
          "%s: %d events did not fit the Avro writer schema and were sent as they are (the job"
              + " dead-letters them)%n",
          name, publisher.sentAsIs());
    }
    out.flush();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
