package io.ctrstream.producer;

import io.ctrstream.producer.SyntheticStream.Event;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Sends a seeded synthetic stream (see {@link SyntheticStream}) with event times starting now, or
 * at {@code --start}.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Generate a synthetic impression/click stream into Kafka (or files, --to-files); runs until Ctrl-C, --duration or --count.")
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin KafkaTarget kafka;
  @Mixin RecordFormat format;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      paramLabel = "IMPRESSIONS_PER_S",
      description =
          "Impressions per second of event time (default: ${DEFAULT-VALUE}); clicks follow by CTR.")
  double rate;

  @Option(
      names = "--max-speed",
      description = "Send as fast as the broker takes it; event times stay spaced by --rate.")
  boolean maxSpeed;

  @Option(
      names = "--campaigns",
      defaultValue = "20",
      description = "Number of campaigns (default: ${DEFAULT-VALUE}).")
  int campaigns;

  @Option(
      names = "--campaign-churn",
      defaultValue = "",
      paramLabel = "DURATION",
      description =
          "Give the campaigns new ids every DURATION of event time (c3-g0, c3-g1, ...), as campaigns"
              + " end and new ones start; empty (the default) for fixed ids.")
  String campaignChurn;

  @Option(
      names = "--sites",
      defaultValue = "0",
      description =
          "Add a site_id field with this many values, uniformly (a high-cardinality breakdown);"
              + " 0 (the default) for none.")
  int sites;

  @Option(
      names = "--zipf",
      defaultValue = "1.1",
      description = "Zipf exponent of campaign popularity (default: ${DEFAULT-VALUE}).")
  double zipf;

  @Option(
      names = "--ctr",
      defaultValue = "0.05",
      description =
          "Base CTR; each campaign gets it times a lognormal factor (default: ${DEFAULT-VALUE}).")
  double ctr;

  @Option(
      names = "--click-delay-median",
      defaultValue = "3s",
      description =
          "Median click delay, lognormal (default: ${DEFAULT-VALUE}, as the Avazu sample; iPinYou's real delays: 21s).")
  String clickDelayMedian;

  @Option(
      names = "--click-delay-sigma",
      defaultValue = "1.0",
      description = "Sigma of the log click delay (default: ${DEFAULT-VALUE}).")
  double clickDelaySigma;

  @Option(
      names = "--click-delay-max",
      defaultValue = "60s",
      description = "Longest click delay (default: ${DEFAULT-VALUE}).")
  String clickDelayMax;

  @Option(
      names = "--jitter",
      defaultValue = "0s",
      description =
          "Send each event up to this long after its ts: out-of-order arrival (default: ${DEFAULT-VALUE}).")
  String jitter;

  @Option(
      names = "--duplicates",
      defaultValue = "0",
      description = "Fraction of events sent twice (default: ${DEFAULT-VALUE}).")
  double duplicates;

  @Option(
      names = "--malformed",
      defaultValue = "0",
      description = "Fraction of records replaced by malformed ones (default: ${DEFAULT-VALUE}).")
  double malformed;

  @Option(
      names = "--orphans",
      defaultValue = "0",
      description = "Clicks on no impression, per impression (default: ${DEFAULT-VALUE}).")
  double orphans;

  @Option(
      names = "--conflicting",
      defaultValue = "0",
      description =
          "Fraction of impressions also sent as a copy that disagrees: another campaign, ts up to 2 s off (default: ${DEFAULT-VALUE}).")
  double conflicting;

  @Option(
      names = "--skewed-clicks",
      defaultValue = "0",
      description =
          "Fraction of clicks stamped up to 2 s before their impression, as from a skewed clock (default: ${DEFAULT-VALUE}).")
  double skewedClicks;

  @Option(
      names = "--repeat-clicks",
      defaultValue = "0",
      description =
          "Fraction of clicked impressions clicked a second time, with another click id (default: ${DEFAULT-VALUE}).")
  double repeatClicks;

  @Option(
      names = "--phase",
      paramLabel = "SPEC",
      description =
          "Move a campaign's CTR over time, repeating, e.g. c1:normal=2m,low=1m,high=1m; repeatable.")
  List<String> phaseSpecs = new ArrayList<>();

  @Option(
      names = "--low-factor",
      defaultValue = "0.3",
      description = "CTR factor of a low phase (default: ${DEFAULT-VALUE}).")
  double lowFactor;

  @Option(
      names = "--high-factor",
      defaultValue = "3",
      description = "CTR factor of a high phase (default: ${DEFAULT-VALUE}).")
  double highFactor;

  @Option(names = "--duration", description = "Stop after this much event time, e.g. 10m.")
  String duration;

  @Option(names = "--count", description = "Stop after this many impressions.")
  Long count;

  @Option(
      names = "--start",
      paramLabel = "TIME",
      description =
          "Event time of the first impression: ISO-8601 (2024-03-01T12:00:00Z) or epoch ms (default: now). "
              + "With --max-speed, a past start sends a finished stretch of event time at once, e.g. for a test.")
  String startTime;

  @Mixin CloseWindows closeWindows;

  @Option(
      names = "--to-files",
      paramLabel = "DIR",
      description =
          "Record the stream to DIR/impressions.jsonl.gz and DIR/clicks.jsonl.gz (JSON lines, in send "
              + "order) instead of sending it to Kafka, as fast as it is generated; needs --duration or --count.")
  Path toFiles;

  @Override
  public Integer call() {
    closeWindows.offsetMillis(); // a malformed duration is a usage error before anything is sent
    SyntheticStream.Settings settings = settings();
    long limitMillis = duration == null ? Long.MAX_VALUE : parse("--duration", duration).toMillis();
    long limitCount = count == null ? Long.MAX_VALUE : count;
    Long givenStart = startTime == null ? null : startMillis();
    if (toFiles != null) {
      if (duration == null && count == null) {
        throw new ParameterException(spec.commandLine(), "--to-files needs --duration or --count");
      }
      return record(
          settings,
          givenStart == null ? System.currentTimeMillis() : givenStart,
          limitMillis,
          limitCount);
    }
    try (EventPublisher publisher =
        EventPublisher.connect(kafka, kafka.connectTimeout(), format.encoder(spec.commandLine()))) {
      // Event time and the pace start together, once connected: whatever runs between them
      // (connecting takes seconds, building the stream's distributions a fraction of one) would
      // send every event that much after its ts, each late by as much.
      long startNanos = System.nanoTime();
      long start = givenStart == null ? System.currentTimeMillis() : givenStart;
      SyntheticStream stream = new SyntheticStream(settings, start);
      Progress progress =
          new Progress(
              "generate",
              publisher,
              () -> "event time " + Instant.ofEpochMilli(stream.nextImpressionTs()),
              kafka.progressSeconds,
              spec.commandLine().getOut());
      Stopper stopper = Stopper.onCtrlC();
      long newestTs = Long.MIN_VALUE;
      try (progress) {
        while (!stopper.stopped()
            && stream.impressions() < limitCount
            && stream.nextImpressionTs() - start < limitMillis) {
          if (!maxSpeed) {
            long due = startNanos + (stream.nextImpressionTs() - start) * 1_000_000;
            long wait = due - System.nanoTime();
            if (wait > 200_000) {
              LockSupport.parkNanos(wait);
            }
          }
          newestTs = Math.max(newestTs, send(publisher, progress, stream.next()));
        }
        newestTs = Math.max(newestTs, send(publisher, progress, stream.drain()));
        if (!stopper.stopped()) {
          closeWindows.sendIfAsked(publisher, newestTs, "generate", spec.commandLine().getOut());
        }
        publisher.flush();
        progress.printFinal();
      } finally {
        stopper.done();
      }
      return publisher.failed() == 0 ? 0 : 1;
    }
  }

  /** Writes the stream to the two files of {@code --to-files}. */
  private int record(
      SyntheticStream.Settings settings, long start, long limitMillis, long limitCount) {
    PrintWriter out = spec.commandLine().getOut();
    SyntheticStream stream = new SyntheticStream(settings, start);
    long[] written = new long[2];
    try {
      Files.createDirectories(toFiles);
      try (Writer impressions = gzip(toFiles.resolve("impressions.jsonl.gz"));
          Writer clicks = gzip(toFiles.resolve("clicks.jsonl.gz"))) {
        long nextReport = 1_000_000;
        while (stream.impressions() < limitCount
            && stream.nextImpressionTs() - start < limitMillis) {
          write(stream.next(), impressions, clicks, written);
          if (stream.impressions() >= nextReport) {
            out.printf(
                "generate: %,d impressions, event time %s%n",
                stream.impressions(), Instant.ofEpochMilli(stream.nextImpressionTs()));
            out.flush();
            nextReport += 1_000_000;
          }
        }
        write(stream.drain(), impressions, clicks, written);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + toFiles + ": " + e.getMessage(), e);
    }
    out.printf(
        "generate: wrote %,d impression records and %,d click records to %s%n",
        written[0], written[1], toFiles);
    return 0;
  }

  private static Writer gzip(Path file) throws IOException {
    return new BufferedWriter(
        new OutputStreamWriter(
            new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8),
        1 << 16);
  }

  private static void write(List<Event> events, Writer impressions, Writer clicks, long[] written)
      throws IOException {
    for (Event e : events) {
      boolean impression = e.stream() == EventPublisher.Stream.IMPRESSIONS;
      (impression ? impressions : clicks).write(e.json());
      (impression ? impressions : clicks).write('\n');
      written[impression ? 0 : 1]++;
    }
  }

  /**
   * Sends the events; returns the newest event time among them ({@code Long.MIN_VALUE} for none).
   */
  private static long send(EventPublisher publisher, Progress progress, List<Event> events) {
    long newest = Long.MIN_VALUE;
    for (Event e : events) {
      publisher.send(e.stream(), e.key(), e.json());
      progress.sent();
      newest = Math.max(newest, e.ts());
    }
    return newest;
  }

  private SyntheticStream.Settings settings() {
    if (rate <= 0) {
      throw new ParameterException(spec.commandLine(), "--rate must be positive");
    }
    if (sites < 0) {
      throw new ParameterException(spec.commandLine(), "--sites must be 0 or more");
    }
    if (campaigns < 1) {
      throw new ParameterException(spec.commandLine(), "--campaigns must be at least 1");
    }
    for (double f :
        new double[] {
          duplicates, malformed, orphans, ctr, conflicting, skewedClicks, repeatClicks
        }) {
      if (f < 0 || f > 1) {
        throw new ParameterException(
            spec.commandLine(),
            "--ctr, --duplicates, --malformed, --orphans, --conflicting, --skewed-clicks and --repeat-clicks are fractions from 0 to 1");
      }
    }
    List<PhaseScript> phases = new ArrayList<>();
    for (String p : phaseSpecs) {
      try {
        phases.add(PhaseScript.parse(p));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--phase: " + e.getMessage());
      }
    }
    return new SyntheticStream.Settings(
        seed,
        rate,
        campaigns,
        zipf,
        ctr,
        parse("--click-delay-median", clickDelayMedian).toMillis(),
        clickDelaySigma,
        parse("--click-delay-max", clickDelayMax).toMillis(),
        parse("--jitter", jitter).toMillis(),
        duplicates,
        malformed,
        orphans,
        phases,
        lowFactor,
        highFactor,
        conflicting,
        skewedClicks,
        repeatClicks,
        campaignChurn.isEmpty() ? 0 : parse("--campaign-churn", campaignChurn).toMillis(),
        sites);
  }

  private long startMillis() {
    try {
      return startTime.chars().allMatch(Character::isDigit)
          ? Long.parseLong(startTime)
          : Instant.parse(startTime).toEpochMilli();
    } catch (RuntimeException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--start must be an ISO-8601 instant (2024-03-01T12:00:00Z) or epoch milliseconds, not '"
              + startTime
              + "'");
    }
  }

  private Duration parse(String flag, String value) {
    try {
      return PhaseScript.duration(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
  }
}
