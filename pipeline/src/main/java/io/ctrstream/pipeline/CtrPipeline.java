package io.ctrstream.pipeline;

import io.ctrstream.pipeline.io.FileEventSource;
import io.ctrstream.pipeline.io.KafkaEventSource;
import io.ctrstream.pipeline.io.OutputFormats;
import io.ctrstream.pipeline.io.WriteDeadLettersToKafka;
import io.ctrstream.pipeline.io.WriteLines;
import io.ctrstream.pipeline.io.WriteResultsToRedis;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.LatestAndPrevious;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.model.UnattributedClick;
import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.options.CtrOptions;
import io.ctrstream.pipeline.options.Durations;
import io.ctrstream.pipeline.options.InvalidFlagException;
import java.io.IOException;
import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import java.nio.file.Paths;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import io.ctrstream.pipeline.transforms.AttributeClicks;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import io.ctrstream.pipeline.transforms.ParseEvents;
import io.ctrstream.pipeline.transforms.TrackLatestAndPrevious;
import io.ctrstream.pipeline.transforms.WindowedCtr;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ctrstream job: impressions and clicks in, correct live CTR per campaign and window out. The
 * same pipeline runs on every runner; the runner and every setting are ordinary flags.
 *
 * <pre>
 * read → ParseEvents (bad records → dead letters) → AttributeClicks (CoGroupByKey on impr_id,
 * dedup, attribution window) → WindowedCtr (fixed windows, early/on-time/late panes, CTR CombineFn)
 * → TrackLatestAndPrevious → Redis / files
 * </pre>
 */
public final class CtrPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(CtrPipeline.class);

  /** Exit status for a usage error (a bad flag). */
  public static final int EXIT_USAGE = 2;

  private CtrPipeline() {}

  /**
   * What the pipeline produces, for sinks and tests.
   *
   * @param results one element per campaign, window and pane
   * @param latestAndPrevious per campaign, whenever its newest or previous complete window changes
   * @param deadLetters records that are not valid events
   * @param unattributed clicks that count in no CTR
   */
  public record Outputs(
      PCollection<CtrResult> results,
      PCollection<LatestAndPrevious> latestAndPrevious,
      PCollection<DeadLetter> deadLetters,
      PCollection<UnattributedClick> unattributed) {}

  /** Applies the computation (everything between source and sinks) to raw events. */
  public static Outputs compute(PCollection<RawEvent> raw, CtrConfig config) {
    PCollectionTuple events = raw.apply("ParseEvents", new ParseEvents(EventTimeRange.standard()));
    PCollectionTuple attributed =
        events.apply("AttributeClicks", new AttributeClicks(config.attributionWindow(), config.allowedLateness()));
    PCollection<CtrResult> results =
        attributed
            .get(AttributeClicks.COUNT_CHANGES)
            .apply(
                "CtrPerCampaignWindow",
                new WindowedCtr(
                    CtrResult.CAMPAIGN,
                    config.windowSize(),
                    config.earlyFiringPeriod(),
                    config.attributionWindow(),
                    config.allowedLateness()));
    PCollection<LatestAndPrevious> latest = results.apply("LatestAndPrevious", new TrackLatestAndPrevious());
    return new Outputs(results, latest, events.get(ParseEvents.DEAD_LETTERS), attributed.get(AttributeClicks.UNATTRIBUTED));
  }

  /** Builds the whole job (source, computation, sinks) on {@code pipeline}. */
  public static Outputs build(Pipeline pipeline, CtrConfig config) {
    PCollection<RawEvent> raw = pipeline.apply("ReadEvents", source(config));
    Outputs out = compute(raw, config);
    if (config.redis() != null) {
      out.results().apply("WriteWindowsToRedis", WriteResultsToRedis.windows(config.redis()));
      out.latestAndPrevious().apply("WriteLatestToRedis", WriteResultsToRedis.latestAndPrevious(config.redis()));
    }
    if (config.output() != null) {
      boolean csv = config.output().endsWith(".csv");
      out.results()
          .apply("FormatResults", MapElements.into(TypeDescriptors.strings())
              .via(csv ? OutputFormats::resultCsv : OutputFormats::result))
          .apply("WriteResultFile", new WriteLines(config.output(), csv ? OutputFormats.RESULT_CSV_HEADER : null));
    }
    if (config.deadLetterOutput() != null) {
      out.deadLetters()
          .apply("FormatDeadLetters", MapElements.into(TypeDescriptors.strings()).via(OutputFormats::deadLetter))
          .apply("WriteDeadLetterFile", new WriteLines(config.deadLetterOutput(), null));
    }
    if (config.fromKafka() && !config.kafka().deadLetterTopic().isBlank()) {
      out.deadLetters().apply("WriteDeadLetterTopic", new WriteDeadLettersToKafka(config.kafka()));
    }
    if (config.unattributedOutput() != null) {
      out.unattributed()
          .apply("FormatUnattributed", MapElements.into(TypeDescriptors.strings()).via(OutputFormats::unattributedClick))
          .apply("WriteUnattributedFile", new WriteLines(config.unattributedOutput(), null));
    }
    return out;
  }

  private static PTransform<PBegin, PCollection<RawEvent>> source(CtrConfig config) {
    return config.fromKafka()
        ? new KafkaEventSource(
            config.kafka(), config.maxOutOfOrderness(), config.idlePartitionTimeout(), EventTimeRange.standard())
        : new FileEventSource(config.impressionsFile(), config.clicksFile());
  }

  private static void requireMatch(String flag, String spec) {
    boolean found;
    try {
      MatchResult match = FileSystems.match(spec, EmptyMatchTreatment.DISALLOW);
      found = match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
    } catch (IOException e) {
      found = false;
    }
    if (!found) {
      throw new InvalidFlagException(
          flag, spec, "no file matches (relative paths are read from " + Paths.get("").toAbsolutePath() + ")");
    }
  }

  /** Runs the job; a bounded run waits for the end and prints a summary of the counters. */
  public static void main(String[] args) {
    PipelineOptionsFactory.register(CtrOptions.class);
    CtrOptions options;
    CtrConfig config;
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(CtrOptions.class);
      config = CtrConfig.from(options);
      FileSystems.setDefaultPipelineOptions(options);
      if (!config.fromKafka()) {
        requireMatch("impressionsFile", config.impressionsFile());
        requireMatch("clicksFile", config.clicksFile());
      }
    } catch (IllegalArgumentException e) {
      System.err.println("ctrstream: " + e.getMessage());
      System.err.println("ctrstream: see --help=" + CtrOptions.class.getName() + " for every flag");
      System.exit(EXIT_USAGE);
      return;
    }
    if (config.fromKafka()) {
      options.as(StreamingOptions.class).setStreaming(true);
    }
    if (Arrays.stream(args).noneMatch(a -> a.startsWith("--fasterCopy"))) {
      // No DoFn here mutates its input, so Flink need not copy elements between chained operators.
      options.as(FlinkPipelineOptions.class).setFasterCopy(true);
    }
    LOG.info(
        "ctrstream: source={} windowSize={} attributionWindow={} allowedLateness={} earlyFiringPeriod={} runner={}",
        config.source(), Durations.format(config.windowSize()), Durations.format(config.attributionWindow()),
        Durations.format(config.allowedLateness()), Durations.format(config.earlyFiringPeriod()),
        options.getRunner().getSimpleName());
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config);
    PipelineResult result = pipeline.run();
    if (result instanceof FlinkDetachedRunnerResult || !options.as(FlinkPipelineOptions.class).getAttachedMode()) {
      // flink run -d, or --attachedMode=false: the job runs on in the cluster; this client is done.
      System.out.println("ctrstream: job submitted (detached); follow it in the Flink UI");
      return;
    }
    if (config.fromKafka()) {
      LOG.info("ctrstream: streaming from Kafka at {} until the job is cancelled (Ctrl-C)", config.kafka().bootstrapServers());
    }
    PipelineResult.State state = result.waitUntilFinish();
    RunSummary.of(result).print(System.out);
    if (state != PipelineResult.State.DONE) {
      System.err.println("ctrstream: pipeline ended in state " + state);
      System.exit(1);
    }
  }
}
