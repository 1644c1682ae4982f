package io.ctrstream.pipeline.io;

import io.ctrstream.pipeline.CtrGraph;
import io.ctrstream.pipeline.model.Alert;
import io.ctrstream.pipeline.model.CtrResult;
import io.ctrstream.pipeline.model.DeadLetter;
import io.ctrstream.pipeline.options.CtrConfig;
import io.ctrstream.pipeline.transforms.TrackLatestAndPrevious;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Every sink of the job: each output of {@link CtrGraph.Outputs} that {@code config} sends
 * somewhere, written by its own step: Redis (window hashes, latest/previous, the trend, alerts),
 * PostgreSQL, Kafka topics (alerts, published results, dead letters) and files.
 *
 * <p>The steps are applied at the top level of the pipeline, under the names they have always had,
 * not inside a composite {@code PTransform}: a composite would prefix every name, and Flink maps
 * savepoint state by those names (the PostgreSQL writer's batching, the trend's latest/previous,
 * and Beam's per-operator output buffers all keep state).
 */
public final class WriteOutputs {
  /** About how many entries the Redis alert stream keeps (XADD MAXLEN ~). */
  public static final long ALERT_STREAM_LENGTH = 10_000;

  private WriteOutputs() {}

  /** Applies a write step for every output of {@code out} that {@code config} names a sink for. */
  public static void to(CtrGraph.Outputs out, CtrConfig config) {
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
            .apply(
                "TrendLatestAndPrevious",
                new TrackLatestAndPrevious()
                    .withIdleKeyRetention(config.eventTime().idleKeyRetention()))
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
  }
}
