package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.Breakdown;
import io.ctrstream.pipeline.model.Click;
import io.ctrstream.pipeline.model.CtrCounts;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.UnattributedClick;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;

/**
 * Joins clicks to impressions by {@code impr_id} and emits signed per-impression count changes.
 *
 * <p>Input: the {@link ParseEvents} tuple ({@link ParseEvents#IMPRESSIONS}, {@link
 * ParseEvents#CLICKS}). Output tags:
 *
 * <ul>
 *   <li>{@link #COUNT_CHANGES}: {@code KV<Impression, CtrCounts>} (the impression counted, with only
 *       the fields the results need), each stamped with the impression's {@code ts}; summing them
 *       per fixed window gives the window's distinct impressions and distinct attributed clicks;
 *   <li>{@link #UNATTRIBUTED}: clicks that count in no CTR, once each, with the reason.
 * </ul>
 *
 * <p>Both streams are keyed by {@code impr_id}, flattened into one {@code PCollection} of {@link
 * ParsedRecord}s, each an impression or a click (one shuffle), and joined by one stateful {@code DoFn}, {@link
 * JoinClicksToImpressionsFn}, after Beam's Nexmark Query 3. See {@link CtrWindowing} and {@link
 * JoinTiming} for the event-time rules. A bounded input (files mode) is joined by shards of {@code
 * impr_id}s instead, with the same rules and no state or timers ({@link JoinBoundedInputFn}).
 */
public class AttributeClicks extends PTransform<PCollectionTuple, PCollectionTuple> {
  public static final TupleTag<KV<Impression, CtrCounts>> COUNT_CHANGES = new TupleTag<>() {};
  public static final TupleTag<UnattributedClick> UNATTRIBUTED = new TupleTag<>() {};
  /** How many shards a bounded input's {@code impr_id}s are joined in ({@link JoinBoundedInputFn}). */
  static final int SHARDS = 64;

  private final JoinTiming timing;
  private final Set<String> resultFields;

  /**
   * @param timing the join's event-time rules (attribution window, lateness, the result windows)
   * @param breakdowns the breakdowns computed downstream: the impression fields the join keeps
   */
  AttributeClicks(JoinTiming timing, List<Breakdown> breakdowns) {
    this.timing = timing;
    TreeSet<String> fields = new TreeSet<>();
    breakdowns.forEach(b -> fields.addAll(b.fields()));
    this.resultFields = fields;
  }

  /**
   * The join for the CTR windows of {@code windowSize} and, where {@code trend} is not null, the
   * trend's sliding windows.
   */
  public static AttributeClicks forResults(
      org.joda.time.Duration attributionWindow,
      org.joda.time.Duration allowedLateness,
      org.joda.time.Duration windowSize,
      org.joda.time.Duration trendSize,
      org.joda.time.Duration trendPeriod,
      List<Breakdown> breakdowns) {
    return new AttributeClicks(
        JoinTiming.of(attributionWindow, allowedLateness, windowSize, trendSize, trendPeriod), breakdowns);
  }

  @Override
  public PCollectionTuple expand(PCollectionTuple events) {
    Set<String> fields = resultFields;
    TypeDescriptor<KV<String, ParsedRecord>> keyed =
        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(ParsedRecord.class));
    KvCoder<String, ParsedRecord> coder = KvCoder.of(StringUtf8Coder.of(), ParsedRecord.ParsedRecordCoder.of());
    PCollection<KV<String, ParsedRecord>> impressions = events
        .get(ParseEvents.IMPRESSIONS)
        .apply("KeyImpressionsByImprId", MapElements.into(keyed)
            .via((Impression i) -> KV.of(i.imprId(), ParsedRecord.of(i.keepOnly(fields)))))
        .setCoder(coder);
    PCollection<KV<String, ParsedRecord>> clicks = events
        .get(ParseEvents.CLICKS)
        .apply("KeyClicksByImprId", MapElements.into(keyed).via((Click c) -> KV.of(c.imprId(), ParsedRecord.of(c))))
        .setCoder(coder);
    PCollection<KV<String, ParsedRecord>> both = PCollectionList.of(impressions).and(clicks)
        .apply("ImpressionsAndClicks", Flatten.pCollections());
    PCollectionTuple changes = both.isBounded() == PCollection.IsBounded.BOUNDED
        ? both
            .apply("ShardByImprId", MapElements
                .into(TypeDescriptors.kvs(TypeDescriptors.integers(), keyed))
                .via((KV<String, ParsedRecord> e) -> KV.of(Math.floorMod(e.getKey().hashCode(), SHARDS), e)))
            .setCoder(KvCoder.of(VarIntCoder.of(), coder))
            // a shard goes out stamped with its earliest event (the default would be the end of the
            // global window, and all it says would be late for the CTR windows)
            .apply("EarliestEventOfShard", Window.<KV<Integer, KV<String, ParsedRecord>>>configure()
                .withTimestampCombiner(TimestampCombiner.EARLIEST))
            .apply("GroupShards", GroupByKey.create())
            .apply("JoinOnImprId", ParDo.of(new JoinBoundedInputFn(timing))
                .withOutputTags(COUNT_CHANGES, TupleTagList.of(UNATTRIBUTED)))
        : both.apply("JoinOnImprId", ParDo.of(new JoinClicksToImpressionsFn(timing))
            .withOutputTags(COUNT_CHANGES, TupleTagList.of(UNATTRIBUTED)));
    changes.get(COUNT_CHANGES).setCoder(KvCoder.of(Impression.ImpressionCoder.of(), CtrCounts.CtrCountsCoder.of()));
    changes.get(UNATTRIBUTED).setCoder(UnattributedClick.UnattributedClickCoder.of());
    return changes;
  }

  /**
   * {@link ImpressionJoin}'s results as a join step's two outputs ({@link #COUNT_CHANGES}, {@link
   * #UNATTRIBUTED}), each stamped with its own event time.
   */
  static ImpressionJoin.Output outputs(DoFn.MultiOutputReceiver out) {
    return new ImpressionJoin.Output() {
      @Override
      public void change(Impression impression, CtrCounts change) {
        out.get(COUNT_CHANGES).outputWithTimestamp(KV.of(impression, change), new Instant(impression.ts()));
      }

      @Override
      public void unattributed(UnattributedClick click) {
        out.get(UNATTRIBUTED).outputWithTimestamp(click, new Instant(click.click().ts()));
      }
    };
  }
}
