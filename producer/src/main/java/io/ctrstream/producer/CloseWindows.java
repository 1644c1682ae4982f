package io.ctrstream.producer;

import java.io.PrintWriter;
import java.time.Instant;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --close-windows-after}: the watermark heartbeat that ends a stretch of events, shared by
 * {@code replay} and {@code generate}. After the last event a heartbeat {@code
 * {"heartbeat":true,"ts":…}} goes to every partition of both topics with {@code ts} = the newest
 * event time sent + the duration, so that a running job's watermark passes every window of the
 * stretch without waiting for its idle timeout.
 */
final class CloseWindows {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--close-windows-after",
      paramLabel = "DURATION",
      description =
          "After the last event, send a watermark heartbeat to every partition with ts = newest ts + DURATION"
              + " (e.g. 1d), so that a running job closes every window of what was sent.")
  String after;

  /**
   * The heartbeat's offset after the newest event time in ms, or -1 without the option.
   *
   * @throws ParameterException naming the option if the duration is malformed
   */
  long offsetMillis() {
    if (after == null) {
      return -1;
    }
    try {
      return PhaseScript.duration(after).toMillis();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), "--close-windows-after: " + e.getMessage());
    }
  }

  /**
   * Sends the heartbeats if the option was given and an event was sent ({@code newestTs} epoch ms,
   * {@code Long.MIN_VALUE} for none), and says so on {@code out} as {@code <command>: sent …}.
   */
  void sendIfAsked(EventPublisher publisher, long newestTs, String command, PrintWriter out) {
    long offset = offsetMillis();
    if (offset < 0 || newestTs == Long.MIN_VALUE) {
      return;
    }
    publisher.sendHeartbeats(newestTs + offset);
    out.println(
        command + ": sent watermark heartbeats at " + Instant.ofEpochMilli(newestTs + offset));
  }
}
