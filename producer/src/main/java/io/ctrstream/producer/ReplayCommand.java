package io.ctrstream.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctrstream.producer.EventPublisher.Stream;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Replays JSON-lines files of impressions and clicks into their topics, merged in event-time order
 * across both files, keyed by {@code impr_id}. A line whose {@code ts} cannot be read is sent as it
 * is, in file order (the pipeline dead-letters it).
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Replay impression and click JSON lines (plain or .gz) into Kafka, merged by event time.")
final class ReplayCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin KafkaTarget kafka;
  @Mixin RecordFormat format;

  @Option(
      names = "--impressions",
      required = true,
      paramLabel = "FILE",
      description = "Impression JSON lines.")
  Path impressions;

  @Option(
      names = "--clicks",
      required = true,
      paramLabel = "FILE",
      description = "Click JSON lines.")
  Path clicks;

  @Option(
      names = "--speedup",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Replay event time N times faster than it happened (0: no pacing by event time).")
  double speedup;

  @Option(
      names = "--rate",
      defaultValue = "0",
      paramLabel = "EVENTS_PER_S",
      description = "Send at most this many events/s (0: no limit).")
  double rate;

  @Option(
      names = "--rebase-time",
      description =
          "Shift event times so that the first event is now (and compress them by --speedup), for live demos.")
  boolean rebaseTime;

  @Mixin CloseWindows closeWindows;

  @Override
  public Integer call() throws Exception {
    closeWindows.offsetMillis(); // a malformed duration is a usage error before anything is sent
    for (Path file : new Path[] {impressions, clicks}) {
      if (!Files.isReadable(file)) {
        throw new ParameterException(spec.commandLine(), "cannot read " + file);
      }
    }
    if (speedup > 0 && rate > 0) {
      throw new ParameterException(spec.commandLine(), "--speedup and --rate exclude each other");
    }
    try (EventPublisher publisher =
            EventPublisher.connect(
                kafka, kafka.connectTimeout(), format.encoder(spec.commandLine()));
        Source imp = new Source(impressions, Stream.IMPRESSIONS);
        Source clk = new Source(clicks, Stream.CLICKS)) {
      Pacer pacer = new Pacer(speedup, rate);
      long[] position = {Long.MIN_VALUE};
      Progress progress =
          new Progress(
              "replay",
              publisher,
              () ->
                  position[0] == Long.MIN_VALUE
                      ? ""
                      : "event time " + Instant.ofEpochMilli(position[0]),
              kafka.progressSeconds,
              spec.commandLine().getOut());
      Stopper stopper = Stopper.onCtrlC();
      long[] rebaseFrom = null; // {first event's ts, wall-clock ms when it was sent}
      long lastTs = Long.MIN_VALUE;
      try (progress) {
        while (!stopper.stopped() && (imp.head != null || clk.head != null)) {
          Source next = clk.head == null || (imp.head != null && imp.ts <= clk.ts) ? imp : clk;
          long ts = next.ts;
          pacer.await(ts);
          String json = next.head;
          Long eventTs = next.valid ? ts : null;
          if (rebaseTime && next.valid) {
            if (rebaseFrom == null) {
              rebaseFrom = new long[] {ts, System.currentTimeMillis()};
            }
            eventTs = rebased(ts, rebaseFrom[0], rebaseFrom[1], speedup);
            ObjectNode o = (ObjectNode) MAPPER.readTree(json);
            o.put("ts", eventTs);
            json = MAPPER.writeValueAsString(o);
          }
          publisher.send(next.stream, next.key, json);
          progress.sent();
          if (eventTs != null) {
            lastTs = Math.max(lastTs, eventTs);
          }
          position[0] = ts;
          next.advance();
        }
        if (!stopper.stopped()) {
          closeWindows.sendIfAsked(publisher, lastTs, "replay", spec.commandLine().getOut());
        }
        publisher.flush();
        progress.printFinal();
      } finally {
        stopper.done();
      }
      return publisher.failed() == 0 ? 0 : 1;
    }
  }

  /**
   * The event time a replayed event gets with {@code --rebase-time}: the first event is {@code
   * now}, and the distances between events are divided by the speedup (if any), so that event time
   * keeps pace with the wall clock.
   */
  static long rebased(long ts, long firstTs, long nowMillis, double speedup) {
    return nowMillis + (long) ((ts - firstTs) / (speedup > 0 ? speedup : 1));
  }

  /**
   * One input file, read one line ahead; {@code ts} of an unreadable line is the previous one's.
   */
  private static final class Source implements AutoCloseable {
    final Stream stream;
    final BufferedReader reader;
    String head;
    String key;
    long ts = Long.MIN_VALUE;
    boolean valid;

    Source(Path file, Stream stream) throws IOException {
      this.stream = stream;
      this.reader = JsonLines.open(file);
      advance();
    }

    void advance() throws IOException {
      head = reader.readLine();
      while (head != null && head.isBlank()) {
        head = reader.readLine();
      }
      if (head == null) {
        return;
      }
      key = null;
      valid = false;
      try {
        JsonNode o = MAPPER.readTree(head);
        if (o != null && o.isObject()) {
          JsonNode id = o.get("impr_id");
          key = id == null || id.isNull() ? null : id.asText();
          JsonNode t = o.get("ts");
          if (t != null && t.isIntegralNumber() && t.canConvertToLong()) {
            ts = t.asLong();
            valid = true;
          }
        }
      } catch (IOException malformed) {
        // sent as it is
      }
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
