package io.ctrstream.e2e;

import io.ctrstream.producer.ProducerCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Topics, consumer group and Redis prefix of one end-to-end run, so that runs on one stack share
 * nothing; and the producer's replay into those topics.
 */
record JobRun(String name, String impressions, String clicks, String deadLetters, String prefix) {
  static JobRun named(String name) {
    String id = name + "-" + Long.toHexString(System.nanoTime());
    return new JobRun(id, "impressions-" + id, "clicks-" + id, "dead-letters-" + id, "e2e-" + id);
  }

  /** The job flags that point the job at this run's topics, group and prefix, then {@code more}. */
  String[] jobFlags(String... more) {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--impressionsTopic=" + impressions,
                "--clicksTopic=" + clicks,
                "--deadLetterTopic=" + deadLetters,
                "--groupId=" + name,
                "--redisKeyPrefix=" + prefix));
    flags.addAll(List.of(more));
    return flags.toArray(String[]::new);
  }

  /**
   * Replays the files with the producer, ending with a heartbeat a day ahead that closes every
   * window; returns the producer's output.
   *
   * @throws AssertionError with the producer's output (its last send error) if it exits non-zero
   */
  String replay(Path impressionFile, Path clickFile, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "--bootstrap-servers=" + LocalStack.BOOTSTRAP,
                "--impressions-topic=" + impressions,
                "--clicks-topic=" + clicks,
                "--impressions=" + impressionFile,
                "--clicks=" + clickFile,
                "--close-windows-after=1d",
                "--progress-interval=60"));
    args.addAll(List.of(more));
    StringWriter output = new StringWriter();
    int status = ProducerCli.execute(new PrintWriter(output, true), args.toArray(String[]::new));
    System.out.print(output);
    if (status != 0) {
      throw new AssertionError("the replay exited with " + status + ":\n" + output);
    }
    return output.toString();
  }
}
