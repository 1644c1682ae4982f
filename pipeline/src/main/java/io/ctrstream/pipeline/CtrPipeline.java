package io.ctrstream.pipeline;

import io.ctrstream.pipeline.alerts.DetectAnomalies;
import io.ctrstream.pipeline.io.FileEventSource;
import io.ctrstream.pipeline.io.KafkaEventSource;
import io.ctrstream.pipeline.io.OutputFormats;
import io.ctrstream.pipeline.io.PostgresTables;
import io.ctrstream.pipeline.io.RedisConnection;
import io.ctrstream.pipeline.io.WriteLines;
import io.ctrstream.pipeline.io.WriteResultsToRedis;
import io.ctrstream.pipeline.io.WriteToKafka;
import io.ctrstream.pipeline.io.WriteToPostgres;
import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.Breakdown;
import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.model.DimensionKey;
import io.ctrstream.pipeline.model.LatestAndPrevious;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.RawEvent;
import io.ctrstream.pipeline.model.UnattributedClick;
import io.ctrstream.pipeline.nowcast.PublishWithNowcast;
import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.options.CtrOptions;
import io.ctrstream.pipeline.options.Durations;
import io.ctrstream.pipeline.options.EmbeddedFlinkClassLoading;
import io.ctrstream.pipeline.options.FlinkRunnerDefaults;
import io.ctrstream.pipeline.options.InvalidFlagException;
import io.ctrstream.pipeline.options.TypedFlags;
import io.ctrstream.pipeline.transforms.AttributeClicks;
import io.ctrstream.pipeline.transforms.CtrWindowing;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import io.ctrstream.pipeline.transforms.KeyByDimensions;
import io.ctrstream.pipeline.transforms.ParseEvents;
import io.ctrstream.pipeline.transforms.TrackLatestAndPrevious;
import io.ctrstream.pipeline.transforms.WindowedCtr;
import java.io.IOException;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.util.List;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ctrstream job: impressions and clicks in, correct live CTR per campaign and window out. The
 * same pipeline runs on every runner; the runner and every setting are ordinary flags.
 *
 * <pre>
 * read → ParseEvents (bad records → dead letters) → AttributeClicks (one stateful join on impr_id:
 * dedup, attribution window) → KeyByDimensions (campaign + breakdowns) → WindowedCtr (fixed
 * windows, early/on-time/late panes, CTR CombineFn) → TrackLatestAndPrevious, DetectAnomalies
 * (alerts); optionally WindowedCtr over sliding windows (trend) → Redis / Kafka / files
 * </pre>
 */
public final class CtrPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(CtrPipeline.class);

  /** About how many entries the Redis alert stream keeps (XADD MAXLEN ~). */
  public static final long ALERT_STREAM_LENGTH = 10_000;

  /** Exit status for a usage error (a bad flag). */
  public static final int EXIT_USAGE = 2;

  private CtrPipeline() {}

  /**
   * What the pipeline produces, for sinks and tests.
   *
   * @param results one element per key (campaign, and breakdown values), fixed window and pane,
   *     without nowcast
   * @param published the same panes as they are published (Redis window hashes, the results topic):
   *     each with its nowcast ({@link PublishWithNowcast}), in the global window
   * @param latestAndPrevious per key, whenever its newest or previous complete window changes
   * @param trend one element per campaign, sliding trend window and pane (empty without
   *     --trendWindow)
   * @param alerts SPIKE/DROP alerts and their corrections (empty with --alerts=false)
   * @param deadLetters records that are not valid events
   * @param unattributed clicks that count in no CTR
   */
  public record Outputs(
      PCollection<CtrResult> results,
      PCollection<CtrResult> published,
      PCollection<LatestAndPrevious> latestAndPrevious,
      PCollection<CtrResult> trend,
      PCollection<Alert> alerts,
      PCollection<DeadLetter> deadLetters,
      PCollection<UnattributedClick> unattributed) {}

  /** Applies the computation (everything between source and sinks) to text records (file lines). */
  public static Outputs compute(PCollection<RawEvent> raw, CtrConfig config) {
    return compute(
        raw.apply(
            "ParseEvents",
            ParseEvents.fromText(EventTimeRange.standard())
                .keeping(Breakdown.fieldsOf(config.breakdowns()))),
        config);
  }

  /**
   * Applies the computation to batches of records parsed already: Kafka's, parsed in the consumer,
   * each with its event time, and each found in its batch entry by {@code record}.
   */
  public static <T> Outputs computeParsed(
      PCollection<List<TimestampedValue<T>>> batches,
      SerializableFunction<T, ParsedRecord> record,
      CtrConfig config) {
    return compute(
        batches.apply(
            "ParseEvents",
            ParseEvents.ofBatches(record).keeping(Breakdown.fieldsOf(config.breakdowns()))),
        config);
  }

  private static Outputs compute(PCollectionTuple events, CtrConfig config) {
    Pipeline pipeline = events.getPipeline();
    PCollectionTuple attributed =
        events
            .get(ParseEvents.EVENTS)
            .apply(
                "AttributeClicks",
                AttributeClicks.forResults(
                    config.eventTime().attributionWindow(),
                    config.eventTime().allowedLateness(),
                    config.eventTime().windowSize(),
                    config.trend() == null ? null : config.trend().size(),
                    config.trend() == null ? null : config.trend().period()));
    PCollection<KV<DimensionKey, CountChange>> changes =
        attributed
            .get(AttributeClicks.COUNT_CHANGES)
            .apply("KeyByCampaignAndBreakdowns", new KeyByDimensions(config.breakdowns()));
    // a bounded run fires each window once, on time: nothing is open, nothing to nowcast
    boolean open = changes.isBounded() == PCollection.IsBounded.UNBOUNDED;
    WindowedCtr fixed =
        WindowedCtr.fixed(
            config.eventTime().windowSize(),
            config.eventTime().earlyFiringPeriod(),
            config.eventTime().attributionWindow(),
            config.eventTime().allowedLateness());
    PCollectionTuple windowed =
        changes.apply("CtrPerKeyWindow", open ? fixed.withOpenPanes() : fixed);
    PCollection<CtrResult> results = windowed.get(WindowedCtr.RESULTS);
    PCollection<CtrResult> published =
        results.apply(
            "Nowcast",
            new PublishWithNowcast(
                open ? windowed.get(WindowedCtr.OPEN_PANES) : null,
                open ? attributed.get(AttributeClicks.CLICK_DELAYS) : null,
                config.eventTime().attributionWindow()));
    PCollection<LatestAndPrevious> latest =
        results.apply("LatestAndPrevious", new TrackLatestAndPrevious());
    PCollection<CtrResult> trend =
        config.trend() == null
            ? empty(pipeline, "NoTrend", CtrResult.CtrResultCoder.of())
            : changes
                .apply(
                    "CampaignChanges",
                    Filter.by(
                        (KV<DimensionKey, CountChange> c) ->
                            c.getKey().dimension().equals(CtrResult.CAMPAIGN)))
                .apply(
                    "TrendPerCampaign",
                    new WindowedCtr(
                        CtrWindowing.trendWindows(
                            config.trend().size(),
                            config.trend().period(),
                            config.eventTime().earlyFiringPeriod(),
                            config.eventTime().attributionWindow(),
                            config.eventTime().allowedLateness()),
                        config.eventTime().attributionWindow()))
                .get(WindowedCtr.RESULTS);
    PCollection<Alert> alerts =
        config.alerts() == null
            ? empty(pipeline, "NoAlerts", Alert.AlertCoder.of())
            : (config.alerts().openWindows() ? published : results)
                .apply("DetectAnomalies", new DetectAnomalies(config.alerts()));
    return new Outputs(
        results,
        published,
        latest,
        trend,
        alerts,
        events.get(ParseEvents.DEAD_LETTERS),
        attributed.get(AttributeClicks.UNATTRIBUTED));
  }

  private static <T> PCollection<T> empty(Pipeline pipeline, String name, Coder<T> coder) {
    return pipeline.apply(name, Create.empty(coder));
  }

  /** Builds the whole job (source, computation, sinks) on {@code pipeline}. */
  public static Outputs build(Pipeline pipeline, CtrConfig config) {
    Outputs out =
        config.fromKafka()
            ? computeParsed(
                pipeline.apply(
                    "ReadEvents",
                    new KafkaEventSource(
                        config.source().kafka(),
                        config.eventTime().maxOutOfOrderness(),
                        config.eventTime().idlePartitionTimeout(),
                        EventTimeRange.standard(),
                        config.source().avro())),
                KafkaEventSource.PARSED_RECORD,
                config)
            : compute(
                pipeline.apply(
                    "ReadEvents",
                    new FileEventSource(
                        config.source().impressionsFile(), config.source().clicksFile())),
                config);
    if (config.sinks().redis() != null) {
      out.published()
          .apply("WriteWindowsToRedis", WriteResultsToRedis.windows(config.sinks().redis()));
      out.latestAndPrevious()
          .apply(
              "WriteLatestToRedis", WriteResultsToRedis.latestAndPrevious(config.sinks().redis()));
      if (config.trend() != null) {
        RedisConnection trendRedis =
            config.sinks().redis().withKeys(config.sinks().redis().keys().trend());
        out.trend().apply("WriteTrendToRedis", WriteResultsToRedis.windows(trendRedis));
        out.trend()
            .apply("TrendLatestAndPrevious", new TrackLatestAndPrevious())
            .apply("WriteTrendLatestToRedis", WriteResultsToRedis.latestAndPrevious(trendRedis));
      }
      out.alerts()
          .apply(
              "WriteAlertsToRedis",
              WriteResultsToRedis.alerts(config.sinks().redis(), ALERT_STREAM_LENGTH));
    }
    if (config.sinks().postgres() != null) {
      out.results()
          .apply("WriteResultsToPostgres", WriteToPostgres.results(config.sinks().postgres()));
      out.alerts()
          .apply("WriteAlertsToPostgres", WriteToPostgres.alerts(config.sinks().postgres()));
    }
    if (config.sinks().alertsTopic() != null) {
      out.alerts()
          .apply(
              "WriteAlertTopic",
              new WriteToKafka<Alert>(
                  config.source().kafka(),
                  config.sinks().alertsTopic(),
                  a -> a.dimension() + ":" + a.key(),
                  OutputFormats::alert));
    }
    if (config.sinks().resultsTopic() != null) {
      out.published()
          .apply(
              "WriteResultTopic",
              new WriteToKafka<CtrResult>(
                  config.source().kafka(),
                  config.sinks().resultsTopic(),
                  r -> r.dimension() + ":" + r.key(),
                  OutputFormats::result));
    }
    if (config.sinks().output() != null) {
      boolean csv = config.sinks().output().endsWith(".csv");
      out.results()
          .apply(
              "FormatResults",
              MapElements.into(TypeDescriptors.strings())
                  .via(csv ? OutputFormats::resultCsv : OutputFormats::result))
          .apply(
              "WriteResultFile",
              new WriteLines(
                  config.sinks().output(), csv ? OutputFormats.RESULT_CSV_HEADER : null));
    }
    if (config.sinks().deadLetterOutput() != null) {
      out.deadLetters()
          .apply(
              "FormatDeadLetters",
              MapElements.into(TypeDescriptors.strings()).via(OutputFormats::deadLetter))
          .apply("WriteDeadLetterFile", new WriteLines(config.sinks().deadLetterOutput(), null));
    }
    if (config.fromKafka() && !config.source().kafka().deadLetterTopic().isBlank()) {
      out.deadLetters()
          .apply(
              "WriteDeadLetterTopic",
              new WriteToKafka<DeadLetter>(
                  config.source().kafka(),
                  config.source().kafka().deadLetterTopic(),
                  DeadLetter::source,
                  OutputFormats::deadLetter));
    }
    if (config.sinks().unattributedOutput() != null) {
      out.unattributed()
          .apply(
              "FormatUnattributed",
              MapElements.into(TypeDescriptors.strings()).via(OutputFormats::unattributedClick))
          .apply(
              "WriteUnattributedFile", new WriteLines(config.sinks().unattributedOutput(), null));
    }
    return out;
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
          flag,
          spec,
          "no file matches (relative paths are read from " + Paths.get("").toAbsolutePath() + ")");
    }
  }

  /** Runs the job; a bounded run waits for the end and prints a summary of the counters. */
  public static void main(String[] args) {
    PipelineOptionsFactory.register(CtrOptions.class);
    CtrOptions options;
    CtrConfig config;
    try {
      TypedFlags.check(args, CtrOptions.class);
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(CtrOptions.class);
      config = CtrConfig.from(options);
      FileSystems.setDefaultPipelineOptions(options);
      if (!config.fromKafka()) {
        requireMatch("impressionsFile", config.source().impressionsFile());
        requireMatch("clicksFile", config.source().clicksFile());
      }
    } catch (IllegalArgumentException e) {
      System.err.println("ctrstream: " + e.getMessage());
      System.err.println("ctrstream: see --help=" + CtrOptions.class.getName() + " for every flag");
      System.exit(EXIT_USAGE);
      return;
    }
    if (config.sinks().postgres() != null && options.getCreateTable()) {
      try {
        PostgresTables.create(config.sinks().postgres());
      } catch (SQLException | RuntimeException e) {
        System.err.println(
            "ctrstream: --createTable: cannot create the tables at "
                + config.sinks().postgres().url()
                + ": "
                + e.getMessage());
        System.exit(1);
        return;
      }
      LOG.info(
          "ctrstream: tables {} and {} exist at {}",
          config.sinks().postgres().resultsTable(),
          config.sinks().postgres().alertsTable(),
          config.sinks().postgres().url());
    }
    if (config.fromKafka()) {
      options.as(StreamingOptions.class).setStreaming(true);
    }
    FlinkRunnerDefaults.apply(options, args);
    EmbeddedFlinkClassLoading.apply(options);
    LOG.info(
        "ctrstream: source={} windowSize={} attributionWindow={} allowedLateness={} earlyFiringPeriod={} runner={}",
        config.source().kind(),
        Durations.format(config.eventTime().windowSize()),
        Durations.format(config.eventTime().attributionWindow()),
        Durations.format(config.eventTime().allowedLateness()),
        Durations.format(config.eventTime().earlyFiringPeriod()),
        options.getRunner().getSimpleName());
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config);
    PipelineResult result = pipeline.run();
    if (result instanceof FlinkDetachedRunnerResult
        || !options.as(FlinkPipelineOptions.class).getAttachedMode()) {
      // flink run -d, or --attachedMode=false: the job runs on in the cluster; this client is done.
      System.out.println("ctrstream: job submitted (detached); follow it in the Flink UI");
      return;
    }
    if (config.fromKafka()) {
      LOG.info(
          "ctrstream: streaming from Kafka at {} until the job is cancelled (Ctrl-C)",
          config.source().kafka().bootstrapServers());
    }
    PipelineResult.State state = result.waitUntilFinish();
    RunSummary.of(result).print(System.out);
    if (state != PipelineResult.State.DONE) {
      System.err.println("ctrstream: pipeline ended in state " + state);
      System.exit(1);
    }
  }
}
