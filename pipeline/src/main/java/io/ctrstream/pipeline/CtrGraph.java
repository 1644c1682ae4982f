package io.ctrstream.pipeline;

import io.ctrstream.pipeline.alerts.DetectAnomalies;
import io.ctrstream.pipeline.io.FileEventSource;
import io.ctrstream.pipeline.io.KafkaEventSource;
import io.ctrstream.pipeline.io.WriteOutputs;
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
import io.ctrstream.pipeline.transforms.AttributeClicks;
import io.ctrstream.pipeline.transforms.EventTimeRange;
import io.ctrstream.pipeline.transforms.KeyByDimensions;
import io.ctrstream.pipeline.transforms.ParseEvents;
import io.ctrstream.pipeline.transforms.TrackLatestAndPrevious;
import io.ctrstream.pipeline.transforms.WindowedCtr;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;

/**
 * The ctrstream job as a Beam graph, the way Beam's {@code LeaderBoard} tells it: read → {@link
 * ParseEvents} (bad records → dead letters) → {@link AttributeClicks} (one stateful join keyed by
 * shards of {@code impr_id}s: dedup, attribution window) → {@link KeyByDimensions} (campaign and
 * breakdowns) → {@link WindowedCtr} (fixed windows, early/on-time/late panes, the CTR {@code
 * CombineFn}) → {@link PublishWithNowcast}, {@link TrackLatestAndPrevious}, {@link
 * DetectAnomalies}; optionally the trend over sliding windows; then {@link WriteOutputs}. The step
 * names are the Flink operators' uids, which savepoints map state by: they do not change
 * (docs/deploying.md).
 */
public final class CtrGraph {

  private CtrGraph() {}

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
                "AttributeClicks", AttributeClicks.forResults(config.eventTime(), config.trend()));
    PCollection<KV<DimensionKey, CountChange>> changes =
        attributed
            .get(AttributeClicks.COUNT_CHANGES)
            .apply("KeyByCampaignAndBreakdowns", new KeyByDimensions(config.breakdowns()));
    // a bounded run fires each window once, on time: nothing is open, nothing to nowcast
    boolean open = changes.isBounded() == PCollection.IsBounded.UNBOUNDED;
    WindowedCtr fixed = WindowedCtr.fixed(config.eventTime());
    PCollectionTuple windowed =
        changes.apply("CtrPerKeyWindow", open ? fixed.withOpenPanes() : fixed);
    PCollection<CtrResult> results = windowed.get(WindowedCtr.RESULTS);
    PCollection<CtrResult> published =
        results.apply(
            "Nowcast",
            new PublishWithNowcast(
                open ? windowed.get(WindowedCtr.OPEN_PANES) : null,
                open ? attributed.get(AttributeClicks.CLICK_DELAYS) : null,
                config.eventTime().attributionWindow(),
                config.eventTime().idleKeyRetention()));
    PCollection<LatestAndPrevious> latest =
        results.apply(
            "LatestAndPrevious",
            new TrackLatestAndPrevious()
                .withIdleKeyRetention(config.eventTime().idleKeyRetention()));
    PCollection<CtrResult> trend =
        config.trend() == null
            ? empty(pipeline, "NoTrend", CtrResult.CtrResultCoder.of())
            : changes
                .apply(
                    "CampaignChanges",
                    Filter.by(
                        (KV<DimensionKey, CountChange> c) ->
                            c.getKey().dimension().equals(CtrResult.CAMPAIGN)))
                .apply("TrendPerCampaign", WindowedCtr.trend(config.trend(), config.eventTime()))
                .get(WindowedCtr.RESULTS);
    PCollection<Alert> alerts =
        config.alerts() == null
            ? empty(pipeline, "NoAlerts", Alert.AlertCoder.of())
            : (config.alerts().openWindows() ? published : results)
                .apply(
                    "DetectAnomalies",
                    new DetectAnomalies(config.alerts())
                        .withIdleKeyRetention(config.eventTime().idleKeyRetention()));
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

  /**
   * Builds the whole job on {@code pipeline}: the source {@code config} names, the computation, and
   * every sink it names ({@link WriteOutputs}).
   */
  public static Outputs build(Pipeline pipeline, CtrConfig config) {
    Outputs out =
        config.fromKafka()
            ? computeParsed(
                pipeline.apply(
                    "ReadEvents",
                    new KafkaEventSource(
                        config.source().kafka(),
                        config.eventTime(),
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
    WriteOutputs.to(out, config);
    return out;
  }
}
