package io.ctrstream.pipeline.transforms;

import io.ctrstream.pipeline.model.ClickDelay;
import io.ctrstream.pipeline.model.CountChange;
import io.ctrstream.pipeline.model.Impression;
import io.ctrstream.pipeline.model.ParsedRecord;
import io.ctrstream.pipeline.model.UnattributedClick;
import io.ctrstream.pipeline.options.EventTimeConfig;
import io.ctrstream.pipeline.options.Trend;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.TimestampCombiner;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;

/**
 * Joins clicks to impressions by {@code impr_id} and emits signed per-impression count changes.
 *
 * <p>Input: {@link ParseEvents#EVENTS}, impressions and clicks keyed by {@code impr_id}, each
 * stamped with its {@code ts}. Output tags:
 *
 * <ul>
 *   <li>{@link #COUNT_CHANGES}: {@code KV<Impression, CountChange>} (the impression counted, with
 *       only the fields the results need), each stamped with its impression's {@link
 *       JoinTiming#countedAt}; summing them per (shifted) CTR window gives the window's distinct
 *       impressions and distinct attributed clicks;
 *   <li>{@link #UNATTRIBUTED}: clicks that count in no CTR, once each, with the reason;
 *   <li>{@link #CLICK_DELAYS} (unbounded input): each attributed click counted or taken back, for
 *       the nowcast's click delay model.
 * </ul>
 *
 * <p>Both streams come keyed by {@code impr_id} in one {@code PCollection} of {@link
 * ParsedRecord}s, each an impression or a click (one shuffle), and are joined by one stateful
 * {@code DoFn}, {@link JoinClicksToImpressionsFn}, after Beam's Nexmark Query 3. See {@link
 * CtrWindowing} and {@link JoinTiming} for the event-time rules. A bounded input (files mode) is
 * joined by shards of {@code impr_id}s instead, with the same rules and no state or timers ({@link
 * JoinBoundedInputFn}).
 */
public class AttributeClicks
    extends PTransform<PCollection<KV<String, ParsedRecord>>, PCollectionTuple> {
  public static final TupleTag<KV<Impression, CountChange>> COUNT_CHANGES = new TupleTag<>() {};
  public static final TupleTag<UnattributedClick> UNATTRIBUTED = new TupleTag<>() {};

  /**
   * Every attributed click counted or no longer counted, for the click delay model
   * (docs/nowcast.md), stamped as its impression's count changes; unbounded input only (a bounded
   * run has no open windows to nowcast).
   */
  public static final TupleTag<ClickDelay> CLICK_DELAYS = new TupleTag<>() {};

  /**
   * How many shards a bounded input's {@code impr_id}s are joined in ({@link JoinBoundedInputFn});
   * a stream's are {@link JoinClicksToImpressionsFn#SHARDS}.
   */
  static final int BOUNDED_SHARDS = 64;

  private final JoinTiming timing;

  /**
   * @param timing the join's event-time rules (attribution window, lateness, the result windows)
   */
  AttributeClicks(JoinTiming timing) {
    this.timing = timing;
  }

  /**
   * The join for the CTR windows of {@code eventTime} and, where {@code trend} is not null, the
   * trend's sliding windows.
   *
   * @param eventTime attribution window, allowed lateness and window size of the results
   * @param trend the trend's sliding windows, or null for none
   */
  public static AttributeClicks forResults(EventTimeConfig eventTime, Trend trend) {
    return new AttributeClicks(
        JoinTiming.of(
            eventTime.attributionWindow(),
            eventTime.allowedLateness(),
            eventTime.windowSize(),
            trend == null ? null : trend.size(),
            trend == null ? null : trend.period()));
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<String, ParsedRecord>> both) {
    TypeDescriptor<KV<String, ParsedRecord>> keyed =
        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(ParsedRecord.class));
    KvCoder<String, ParsedRecord> coder =
        KvCoder.of(StringUtf8Coder.of(), ParsedRecord.ParsedRecordCoder.of());
    boolean bounded = both.isBounded() == PCollection.IsBounded.BOUNDED;
    int shards = bounded ? BOUNDED_SHARDS : JoinClicksToImpressionsFn.SHARDS;
    PCollection<KV<Integer, KV<String, ParsedRecord>>> sharded =
        both.apply(
                "ShardByImprId",
                MapElements.into(TypeDescriptors.kvs(TypeDescriptors.integers(), keyed))
                    .via((KV<String, ParsedRecord> e) -> KV.of(shardOf(e.getKey(), shards), e)))
            .setCoder(KvCoder.of(VarIntCoder.of(), coder));
    PCollectionTuple changes =
        bounded
            ? sharded
                // a shard goes out stamped with its earliest event (the default would be the end of
                // the global window, and all it says would be late for the CTR windows)
                .apply(
                    "EarliestEventOfShard",
                    Window.<KV<Integer, KV<String, ParsedRecord>>>configure()
                        .withTimestampCombiner(TimestampCombiner.EARLIEST))
                .apply("GroupShards", GroupByKey.create())
                .apply(
                    "JoinOnImprId",
                    ParDo.of(new JoinBoundedInputFn(timing))
                        .withOutputTags(COUNT_CHANGES, TupleTagList.of(UNATTRIBUTED)))
            : sharded.apply(
                "JoinOnImprIdShards",
                ParDo.of(new JoinClicksToImpressionsFn(timing))
                    .withOutputTags(
                        COUNT_CHANGES, TupleTagList.of(UNATTRIBUTED).and(CLICK_DELAYS)));
    changes
        .get(COUNT_CHANGES)
        .setCoder(KvCoder.of(Impression.ImpressionCoder.of(), CountChange.CountChangeCoder.of()));
    changes.get(UNATTRIBUTED).setCoder(UnattributedClick.UnattributedClickCoder.of());
    if (!bounded) {
      changes.get(CLICK_DELAYS).setCoder(ClickDelay.ClickDelayCoder.of());
    }
    return changes;
  }

  /**
   * The shard of {@code imprId} among {@code shards}, in {@code [0, shards)}: the top bits of its
   * {@link String#hashCode} scrambled by Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4), scaled to
   * {@code shards}. Not {@code floorMod(hashCode, shards)}: then the ids of one shard would share
   * the low bits of their hash codes, by which the shard's {@code HashMap} of them places its
   * entries, and they would pile up in a few of its buckets.
   */
  static int shardOf(String imprId, int shards) {
    long scrambled = (imprId.hashCode() * 0x9E3779B97F4A7C15L) >>> 32;
    return (int) ((scrambled * shards) >>> 32);
  }

  /**
   * {@link ImpressionJoin}'s results as a join step's two outputs ({@link #COUNT_CHANGES}, {@link
   * #UNATTRIBUTED}): a count change stamped with its impression's {@link JoinTiming#countedAt}, an
   * unattributed click with its own {@code ts}.
   */
  static ImpressionJoin.Output outputs(DoFn.MultiOutputReceiver out, JoinTiming timing) {
    return outputs(out, timing, false);
  }

  /** As {@link #outputs(DoFn.MultiOutputReceiver, JoinTiming)}, with {@link #CLICK_DELAYS}. */
  static ImpressionJoin.Output outputs(
      DoFn.MultiOutputReceiver out, JoinTiming timing, boolean clickDelays) {
    return new ImpressionJoin.Output() {
      @Override
      public void change(Impression impression, CountChange change) {
        out.get(COUNT_CHANGES)
            .outputWithTimestamp(
                KV.of(impression, change), new Instant(timing.countedAt(impression.ts())));
      }

      @Override
      public void clickDelay(Impression impression, long clickTs, int count) {
        if (clickDelays) {
          out.get(CLICK_DELAYS)
              .outputWithTimestamp(
                  new ClickDelay(impression.campaignId(), impression.ts(), clickTs, count),
                  new Instant(timing.countedAt(impression.ts())));
        }
      }

      @Override
      public void unattributed(UnattributedClick click) {
        out.get(UNATTRIBUTED).outputWithTimestamp(click, new Instant(click.click().ts()));
      }
    };
  }
}
